namespace MeshScaler.Core;

/// <summary>Arithmetic on Pulsar's cumulative counters, which may be absent (older brokers, unusable values).</summary>
public static class Counters
{
    /// <summary>
    /// The sum of every counter, or null when any is missing: a total that silently skipped a partition would read as a
    /// counter reset (or a slower rate) and mislead every rate derived from it.
    /// </summary>
    public static long? SumOrNull(IEnumerable<long?> counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        long total = 0;
        foreach (var counter in counters)
        {
            if (counter is not { } value)
            {
                return null;
            }

            total += value;
        }

        return total;
    }
}
