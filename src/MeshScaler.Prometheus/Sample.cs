namespace MeshScaler.Prometheus;

/// <summary>One sample line: its name (with any <c>_total</c>, <c>_sum</c> or <c>_count</c> suffix), labels and value.</summary>
/// <param name="Name">The sample's metric name as written.</param>
/// <param name="Labels">Its labels in the order they were written; names are unique.</param>
/// <param name="Value">The value; NaN and ±Inf are kept as such.</param>
public sealed record Sample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value)
{
    /// <summary>The value of label <paramref name="name"/>, or null when absent.</summary>
    public string? Label(string name)
    {
        foreach (var (key, value) in Labels)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }
}
