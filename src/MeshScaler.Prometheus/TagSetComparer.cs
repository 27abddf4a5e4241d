namespace MeshScaler.Prometheus;

/// <summary>
/// Order-insensitive tag set equality, usable directly on the span a measurement callback receives so that
/// recording to an existing series allocates nothing.
/// </summary>
/// <remarks>
/// Values compare with <see cref="object.Equals(object?, object?)"/>, so <c>1</c> and <c>1L</c> are different
/// series here; the writer later keeps only the first of series that render to the same labels.
/// </remarks>
internal sealed class TagSetComparer :
    IEqualityComparer<TagSet>,
    IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagSet>
{
    public static readonly TagSetComparer Instance = new();

    private TagSetComparer()
    {
    }

    /// <summary>Commutative, so the order the caller passed the tags in does not matter.</summary>
    public static int ComputeHash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = tags.Length;
        foreach (var tag in tags)
        {
            hash = unchecked(hash + HashCode.Combine(tag.Key ?? string.Empty, tag.Value));
        }

        return hash;
    }

    public bool Equals(TagSet? x, TagSet? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        return x is not null && y is not null && x.Hash == y.Hash && Same(x.Tags, y.Tags);
    }

    public int GetHashCode(TagSet obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Hash;
    }

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, TagSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Same(alternate, other.Tags);
    }

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => ComputeHash(alternate);

    public TagSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate);

    // Both directions, so duplicate tag names cannot make two different sets look equal.
    private static bool Same(ReadOnlySpan<KeyValuePair<string, object?>> x, ReadOnlySpan<KeyValuePair<string, object?>> y) =>
        x.Length == y.Length && ContainsAll(x, y) && ContainsAll(y, x);

    private static bool ContainsAll(ReadOnlySpan<KeyValuePair<string, object?>> items, ReadOnlySpan<KeyValuePair<string, object?>> set)
    {
        foreach (var item in items)
        {
            var found = false;
            foreach (var candidate in set)
            {
                if (string.Equals(item.Key, candidate.Key, StringComparison.Ordinal) && Equals(item.Value, candidate.Value))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
