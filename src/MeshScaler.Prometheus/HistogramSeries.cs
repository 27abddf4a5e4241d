namespace MeshScaler.Prometheus;

/// <summary>
/// Per-bucket counts and the sum of one histogram series. A lock (uncontended in practice) keeps buckets and sum
/// consistent with each other in a snapshot, which Prometheus relies on (+Inf bucket equals count).
/// </summary>
internal sealed class HistogramSeries
{
    private readonly Lock _gate = new();
    private readonly double[] _upperBounds;
    private readonly long[] _counts;
    private double _sum;

    public HistogramSeries(double[] upperBounds)
    {
        _upperBounds = upperBounds;
        _counts = new long[upperBounds.Length + 1];
    }

    /// <summary>Adds a finite or infinite (never NaN) observation; le is inclusive, as Prometheus defines it.</summary>
    public void Observe(double value)
    {
        var index = Array.BinarySearch(_upperBounds, value);
        if (index < 0)
        {
            index = ~index;
        }

        lock (_gate)
        {
            _counts[index]++;
            _sum += value;
        }
    }

    public (long[] Counts, double Sum) Read()
    {
        lock (_gate)
        {
            return ((long[])_counts.Clone(), _sum);
        }
    }
}
