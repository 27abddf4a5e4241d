using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Prometheus;

/// <summary>Series bookkeeping shared by every instrument kind: a concurrent map from tag set to series.</summary>
/// <typeparam name="TSeries">The per-series accumulator.</typeparam>
internal abstract class InstrumentState<TSeries> : InstrumentState
    where TSeries : class
{
    private readonly ConcurrentDictionary<TagSet, TSeries> _series = new(TagSetComparer.Instance);
    private readonly ConcurrentDictionary<TagSet, TSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly int _maxSeries;
    private int _seriesCount;
    private int _limitReported;
    private int _invalidReported;

    protected InstrumentState(Instrument instrument, MetricType type, long sequence, int maxSeries, ILogger logger)
        : base(instrument, type, sequence)
    {
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
        _maxSeries = maxSeries;
        Logger = logger;
    }

    protected ILogger Logger { get; }

    protected ICollection<KeyValuePair<TagSet, TSeries>> Series => _series;

    /// <summary>The series for <paramref name="tags"/>, created on first use; null once the series limit is reached.</summary>
    protected TSeries? GetSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_lookup.TryGetValue(tags, out var series))
        {
            return series;
        }

        if (Volatile.Read(ref _seriesCount) >= _maxSeries)
        {
            if (Interlocked.Exchange(ref _limitReported, 1) == 0)
            {
                MetricsCollector.LogSeriesLimitReached(Logger, Instrument.Name, Instrument.Meter.Name, _maxSeries);
            }

            return null;
        }

        var created = CreateSeries();
        if (_lookup.TryAdd(tags, created))
        {
            Interlocked.Increment(ref _seriesCount);
            return created;
        }

        // Another thread added it first; a series pruned meanwhile loses this one measurement.
        return _lookup.TryGetValue(tags, out series) ? series : null;
    }

    protected void RemoveSeries(TagSet key)
    {
        if (_series.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _seriesCount);
        }
    }

    /// <summary>Logs the first rejected measurement of this instrument; later ones are dropped silently.</summary>
    protected void ReportInvalidMeasurement(string value, string reason)
    {
        if (Interlocked.Exchange(ref _invalidReported, 1) == 0)
        {
            MetricsCollector.LogMeasurementRejected(Logger, Instrument.Name, Instrument.Meter.Name, value, reason);
        }
    }

    protected abstract TSeries CreateSeries();
}
