namespace MeshScaler.Prometheus;

/// <summary>
/// A sample value that remembers whether it came from an integer instrument, so integers are written exactly
/// (no exponent, no rounding beyond 2^53) and doubles round-trip.
/// </summary>
internal readonly record struct MetricValue(bool IsInteger, long Int64, double Double)
{
    public static MetricValue FromInt64(long value) => new(true, value, value);

    public static MetricValue FromDouble(double value) => new(false, 0, value);
}
