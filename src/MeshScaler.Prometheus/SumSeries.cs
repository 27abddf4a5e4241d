namespace MeshScaler.Prometheus;

/// <summary>A running total updated lock-free; integer instruments use the exact 64-bit field.</summary>
internal sealed class SumSeries
{
    private long _int64;
    private double _double;

    public void Add(long value) => Interlocked.Add(ref _int64, value);

    public void Add(double value)
    {
        var current = Volatile.Read(ref _double);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _double, current + value, current);
            // Bitwise, as CompareExchange compares: double equality would treat 0.0 and -0.0 as the same.
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = seen;
        }
    }

    public MetricValue Read(bool isInteger) =>
        isInteger ? MetricValue.FromInt64(Volatile.Read(ref _int64)) : MetricValue.FromDouble(Volatile.Read(ref _double));
}
