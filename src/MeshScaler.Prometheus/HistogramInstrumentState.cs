using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Prometheus;

/// <summary><see cref="Histogram{T}"/> with explicit bucket boundaries shared by all its series.</summary>
internal sealed class HistogramInstrumentState : InstrumentState<HistogramSeries>
{
    private readonly double[] _upperBounds;

    public HistogramInstrumentState(Instrument instrument, double[] upperBounds, long sequence, int maxSeries, ILogger logger)
        : base(instrument, MetricType.Histogram, sequence, maxSeries, logger)
    {
        _upperBounds = upperBounds;
    }

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        GetSeries(tags)?.Observe(value);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (double.IsNaN(value))
        {
            ReportInvalidMeasurement("NaN", "a histogram observation must be a number");
            return;
        }

        GetSeries(tags)?.Observe(value);
    }

    public override IReadOnlyList<MetricSeries> Snapshot()
    {
        var result = new List<MetricSeries>();
        foreach (var (tags, series) in Series)
        {
            var (counts, sum) = series.Read();
            result.Add(MetricSeries.Histogram(tags.ToLabels(), _upperBounds, counts, sum));
        }

        return result;
    }

    protected override HistogramSeries CreateSeries() => new(_upperBounds);
}
