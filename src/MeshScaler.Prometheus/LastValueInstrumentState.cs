using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Prometheus;

/// <summary>
/// Instruments whose measurement is the current value rather than an increment: <see cref="Gauge{T}"/> and the
/// observable gauge, counter and up-down counter (an observable counter reports its running total).
/// </summary>
/// <remarks>
/// For observable instruments only series reported in the latest observation round are exposed, and older ones
/// are forgotten: a series the callback stopped reporting is missing data, not a stale value.
/// </remarks>
internal sealed class LastValueInstrumentState : InstrumentState<LastValueSeries>
{
    private readonly bool _observable;
    private readonly bool _isInteger;
    private long _generation;

    public LastValueInstrumentState(
        Instrument instrument,
        MetricType type,
        bool observable,
        bool isInteger,
        long sequence,
        int maxSeries,
        ILogger logger)
        : base(instrument, type, sequence, maxSeries, logger)
    {
        _observable = observable;
        _isInteger = isInteger;
    }

    public override bool IsObservable => _observable;

    public override void BeginObservation() => Interlocked.Increment(ref _generation);

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        GetSeries(tags)?.Set(value, Volatile.Read(ref _generation));

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        GetSeries(tags)?.Set(value, Volatile.Read(ref _generation));

    public override IReadOnlyList<MetricSeries> Snapshot()
    {
        var current = Volatile.Read(ref _generation);
        var result = new List<MetricSeries>();
        foreach (var (tags, series) in Series)
        {
            if (_observable && series.Generation != current)
            {
                RemoveSeries(tags);
                continue;
            }

            result.Add(MetricSeries.Scalar(tags.ToLabels(), series.Read(_isInteger)));
        }

        return result;
    }

    protected override LastValueSeries CreateSeries() => new();
}
