namespace MeshScaler.Prometheus;

/// <summary>
/// The tags of one series, copied once when the series is created. Order is not significant: two tag sets are
/// equal when they hold the same name/value pairs (see <see cref="TagSetComparer"/>).
/// </summary>
internal sealed class TagSet
{
    private readonly KeyValuePair<string, object?>[] _tags;

    public TagSet(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        _tags = tags.ToArray();
        Hash = TagSetComparer.ComputeHash(tags);
    }

    public ReadOnlySpan<KeyValuePair<string, object?>> Tags => _tags;

    public int Hash { get; }

    /// <summary>Raw label pairs for the writer; tag values formatted invariant.</summary>
    public KeyValuePair<string, string>[] ToLabels()
    {
        var labels = new KeyValuePair<string, string>[_tags.Length];
        for (var i = 0; i < _tags.Length; i++)
        {
            labels[i] = KeyValuePair.Create(_tags[i].Key ?? string.Empty, PrometheusFormat.FormatTagValue(_tags[i].Value));
        }

        return labels;
    }
}
