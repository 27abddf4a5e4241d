namespace MeshScaler.Emulation.Simulation;

/// <summary>Message waits, weighted by message count, at millisecond resolution; nearest-rank percentiles.</summary>
public sealed class LagHistogram
{
    private readonly SortedDictionary<long, long> _counts = [];

    /// <summary>Messages recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Records <paramref name="messages"/> messages that each waited <paramref name="lag"/>.</summary>
    public void Add(TimeSpan lag, long messages)
    {
        if (messages <= 0)
        {
            return;
        }

        var key = (long)Math.Round(lag.TotalMilliseconds);
        _counts[key] = _counts.GetValueOrDefault(key) + messages;
        Count += messages;
    }

    /// <summary>
    /// The smallest wait such that at least <paramref name="fraction"/> of the messages waited no longer (nearest rank),
    /// in seconds; null when nothing was recorded.
    /// </summary>
    public double? Percentile(double fraction)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fraction, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(fraction * Count));
        long seen = 0;
        foreach (var (lag, count) in _counts)
        {
            seen += count;
            if (seen >= rank)
            {
                return lag / 1000.0;
            }
        }

        return _counts.Keys.Last() / 1000.0;
    }

    /// <summary>The longest wait in seconds; null when nothing was recorded.</summary>
    public double? Max => Count == 0 ? null : _counts.Keys.Last() / 1000.0;
}
