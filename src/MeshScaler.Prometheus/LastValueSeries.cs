namespace MeshScaler.Prometheus;

/// <summary>The most recent value of a gauge or an observed total, with the observation round that set it.</summary>
internal sealed class LastValueSeries
{
    private long _int64;
    private double _double;
    private long _generation;

    public long Generation => Volatile.Read(ref _generation);

    public void Set(long value, long generation)
    {
        Volatile.Write(ref _int64, value);
        Volatile.Write(ref _generation, generation);
    }

    public void Set(double value, long generation)
    {
        Volatile.Write(ref _double, value);
        Volatile.Write(ref _generation, generation);
    }

    public MetricValue Read(bool isInteger) =>
        isInteger ? MetricValue.FromInt64(Volatile.Read(ref _int64)) : MetricValue.FromDouble(Volatile.Read(ref _double));
}
