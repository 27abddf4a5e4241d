namespace MeshScaler.Keda;

/// <summary>
/// Equality of two ScaledObject references by namespace, name and every metadata key and value, whatever the order of
/// the map: KEDA builds it from a Go map, so its order differs between calls. Computed on the message itself, so the
/// trigger cache's lookup on every call builds no sorted key string (what it did before).
/// </summary>
internal sealed class ScaledObjectComparer : IEqualityComparer<ScaledObjectRef>
{
    public static ScaledObjectComparer Instance { get; } = new();

    public bool Equals(ScaledObjectRef? x, ScaledObjectRef? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Namespace != y.Namespace || x.Name != y.Name || x.ScalerMetadata.Count != y.ScalerMetadata.Count)
        {
            return false;
        }

        foreach (var (key, value) in x.ScalerMetadata)
        {
            if (!y.ScalerMetadata.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(ScaledObjectRef obj)
    {
        ArgumentNullException.ThrowIfNull(obj);

        // A sum of the entries' hashes is independent of their order.
        var entries = 0;
        foreach (var (key, value) in obj.ScalerMetadata)
        {
            entries = unchecked(entries + HashCode.Combine(key, value));
        }

        return HashCode.Combine(obj.Namespace, obj.Name, entries);
    }
}
