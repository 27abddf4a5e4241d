using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Prometheus;

/// <summary>
/// <see cref="Counter{T}"/> (exposed as a counter, increments must be non-negative) and
/// <see cref="UpDownCounter{T}"/> (exposed as a gauge). NaN is rejected for both: it would poison the total forever.
/// </summary>
internal sealed class SumInstrumentState : InstrumentState<SumSeries>
{
    private readonly bool _monotonic;
    private readonly bool _isInteger;

    public SumInstrumentState(Instrument instrument, bool monotonic, bool isInteger, long sequence, int maxSeries, ILogger logger)
        : base(instrument, monotonic ? MetricType.Counter : MetricType.Gauge, sequence, maxSeries, logger)
    {
        _monotonic = monotonic;
        _isInteger = isInteger;
    }

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_monotonic && value < 0)
        {
            ReportInvalidMeasurement(value.ToString(CultureInfo.InvariantCulture), "a counter increment must not be negative");
            return;
        }

        GetSeries(tags)?.Add(value);
    }

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (double.IsNaN(value) || (_monotonic && value < 0))
        {
            ReportInvalidMeasurement(PrometheusFormat.FormatDouble(value), "a counter increment must be a non-negative number");
            return;
        }

        GetSeries(tags)?.Add(value);
    }

    public override IReadOnlyList<MetricSeries> Snapshot() =>
        [.. Series.Select(s => MetricSeries.Scalar(s.Key.ToLabels(), s.Value.Read(_isInteger)))];

    protected override SumSeries CreateSeries() => new();
}
