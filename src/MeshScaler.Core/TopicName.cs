namespace MeshScaler.Core;

/// <summary>
/// A persistent Pulsar topic, fully qualified. Accepts <c>persistent://tenant/ns/name</c> and the short form
/// <c>tenant/ns/name</c>; non-persistent topics have no backlog and are refused.
/// </summary>
public sealed record TopicName(string Tenant, string Namespace, string LocalName)
{
    private const string PersistentPrefix = "persistent://";
    private const string PartitionSuffix = "-partition-";

    /// <summary><c>persistent://tenant/ns/name</c>.</summary>
    public string FullName => $"{PersistentPrefix}{Tenant}/{Namespace}/{LocalName}";

    /// <summary>The admin REST path below <c>/admin/v2/</c>, with each segment URL-encoded.</summary>
    public string AdminPath =>
        $"persistent/{Uri.EscapeDataString(Tenant)}/{Uri.EscapeDataString(Namespace)}/{Uri.EscapeDataString(LocalName)}";

    /// <summary>The name of partition <paramref name="index"/> of this (partitioned) topic.</summary>
    public TopicName Partition(int index) => this with { LocalName = $"{LocalName}{PartitionSuffix}{index}" };

    /// <summary>The reverse of <see cref="Partition"/>: whether this names partition <paramref name="index"/> of <paramref name="parent"/>.</summary>
    public bool TryGetPartition(out TopicName parent, out int index)
    {
        var suffix = LocalName.LastIndexOf(PartitionSuffix, StringComparison.Ordinal);
        if (suffix > 0 && int.TryParse(
                LocalName.AsSpan(suffix + PartitionSuffix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index))
        {
            parent = this with { LocalName = LocalName[..suffix] };
            return true;
        }

        parent = this;
        index = 0;
        return false;
    }

    public override string ToString() => FullName;

    /// <summary>Parses a topic name; on failure <paramref name="error"/> says what is wrong with <paramref name="value"/>.</summary>
    public static bool TryParse(string? value, out TopicName topic, out string error)
    {
        topic = null!;
        var text = value?.Trim() ?? string.Empty;
        if (text.StartsWith("non-persistent://", StringComparison.Ordinal))
        {
            error = "must be a persistent topic (non-persistent topics have no backlog)";
            return false;
        }

        if (text.StartsWith(PersistentPrefix, StringComparison.Ordinal))
        {
            text = text[PersistentPrefix.Length..];
        }

        var parts = text.Split('/');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0 || p.Any(char.IsWhiteSpace)))
        {
            error = "must be persistent://tenant/namespace/topic or tenant/namespace/topic";
            return false;
        }

        topic = new TopicName(parts[0], parts[1], parts[2]);
        error = string.Empty;
        return true;
    }
}
