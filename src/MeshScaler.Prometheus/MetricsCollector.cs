using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshScaler.Prometheus;

/// <summary>
/// Listens to every instrument of the meters selected by <see cref="PrometheusExpositionOptions.MeterNamePrefix"/>
/// and keeps their current state for the <c>/metrics</c> scrape. Listening starts in the constructor (instruments
/// created earlier are published to it then) and stops on <see cref="Dispose"/>; measurements made while nothing
/// listens are not counted, so the host resolves this early (see <c>MapPrometheusMetrics</c>).
/// </summary>
internal sealed partial class MetricsCollector : IDisposable
{
    /// <summary>Histogram upper bounds, in seconds, for instruments that give no bucket advice.</summary>
    public static readonly IReadOnlyList<double> DefaultHistogramBoundaries =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private const int MaxRememberedConflicts = 1000;

    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _states = new();
    private readonly ConcurrentDictionary<string, byte> _reportedConflicts = new(StringComparer.Ordinal);
    private readonly Lock _collectGate = new();
    private readonly string _meterNamePrefix;
    private readonly int _maxSeries;
    private readonly ILogger<MetricsCollector> _logger;
    private long _sequence;
    private bool _disposed;

    private readonly IMeterFactory? _meterFactory;

    /// <param name="meterFactory">
    /// The container's meter factory. When given, meters created by another factory (another host in the same process,
    /// as in tests) are ignored, so one host's /metrics never shows another's series. Meters created without a factory
    /// (Scope null) are process-wide and always exported.
    /// </param>
    public MetricsCollector(IOptions<PrometheusExpositionOptions> options, ILogger<MetricsCollector> logger, IMeterFactory? meterFactory = null)
    {
        _meterFactory = meterFactory;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var settings = options.Value;
        _meterNamePrefix = settings.MeterNamePrefix;
        _maxSeries = settings.MaxSeriesPerInstrument;
        _logger = logger;

        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = OnMeasurementsCompleted,
        };
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => (state as InstrumentState)?.Record((long)value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => (state as InstrumentState)?.Record((long)value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => (state as InstrumentState)?.Record((long)value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => (state as InstrumentState)?.Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => (state as InstrumentState)?.Record((double)value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => (state as InstrumentState)?.Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => (state as InstrumentState)?.Record((double)value, tags));
        _listener.Start();
        LogListening(_logger, _meterNamePrefix);
    }

    /// <summary>
    /// Observes the observable instruments, then snapshots every instrument, ordered by meter name, instrument
    /// name and publication order (the writer's merge keeps the first, so this order decides conflicts).
    /// A failing observable callback is logged and its instrument contributes only what it reported.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The collector was disposed.</exception>
    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (_collectGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var states = _states.Values
                .OrderBy(s => s.Instrument.Meter.Name, StringComparer.Ordinal)
                .ThenBy(s => s.Instrument.Name, StringComparer.Ordinal)
                .ThenBy(s => s.Sequence)
                .ToList();
            foreach (var state in states.Where(s => s.IsObservable))
            {
                state.BeginObservation();
            }

            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (AggregateException ex)
            {
                foreach (var inner in ex.InnerExceptions)
                {
                    LogObservationFailed(_logger, inner);
                }
            }

            return [.. states.Select(s => s.ToFamily())];
        }
    }

    /// <summary>The full exposition text (see <see cref="PrometheusTextWriter"/>); each conflict is logged once.</summary>
    public string Scrape()
    {
        var families = Collect();
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var conflicts = PrometheusTextWriter.Write(families, writer);
        foreach (var conflict in conflicts)
        {
            if (_reportedConflicts.Count < MaxRememberedConflicts && _reportedConflicts.TryAdd(conflict, 0))
            {
                LogExpositionConflict(_logger, conflict);
            }
        }

        return writer.ToString();
    }

    public void Dispose()
    {
        lock (_collectGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _listener.Dispose();
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!instrument.Meter.Name.StartsWith(_meterNamePrefix, StringComparison.Ordinal) ||
            (_meterFactory is not null && instrument.Meter.Scope is not null && !ReferenceEquals(instrument.Meter.Scope, _meterFactory)))
        {
            return;
        }

        var state = CreateState(instrument);
        if (state is null)
        {
            LogUnsupportedInstrument(_logger, instrument.Name, instrument.Meter.Name, instrument.GetType().Name);
            return;
        }

        _states[instrument] = state;
        listener.EnableMeasurementEvents(instrument, state);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state) => _states.TryRemove(instrument, out _);

    private InstrumentState? CreateState(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        var valueType = type.GetGenericArguments()[0];
        var isInteger = valueType == typeof(byte) || valueType == typeof(short) || valueType == typeof(int) || valueType == typeof(long);
        var sequence = Interlocked.Increment(ref _sequence);

        if (definition == typeof(Counter<>))
        {
            return new SumInstrumentState(instrument, monotonic: true, isInteger, sequence, _maxSeries, _logger);
        }

        if (definition == typeof(UpDownCounter<>))
        {
            return new SumInstrumentState(instrument, monotonic: false, isInteger, sequence, _maxSeries, _logger);
        }

        if (definition == typeof(Histogram<>))
        {
            return new HistogramInstrumentState(instrument, HistogramBoundaries(instrument), sequence, _maxSeries, _logger);
        }

        if (definition == typeof(Gauge<>))
        {
            return new LastValueInstrumentState(instrument, MetricType.Gauge, observable: false, isInteger, sequence, _maxSeries, _logger);
        }

        if (definition == typeof(ObservableCounter<>))
        {
            return new LastValueInstrumentState(instrument, MetricType.Counter, observable: true, isInteger, sequence, _maxSeries, _logger);
        }

        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>))
        {
            return new LastValueInstrumentState(instrument, MetricType.Gauge, observable: true, isInteger, sequence, _maxSeries, _logger);
        }

        return null;
    }

    /// <summary>
    /// The instrument's advised boundaries when it has advice, else <see cref="DefaultHistogramBoundaries"/>.
    /// Advice is sorted and stripped of non-finite and repeated values so the buckets are always valid.
    /// </summary>
    private static double[] HistogramBoundaries(Instrument instrument)
    {
        var advised = instrument switch
        {
            Histogram<byte> h => ToDoubles(h.Advice?.HistogramBucketBoundaries),
            Histogram<short> h => ToDoubles(h.Advice?.HistogramBucketBoundaries),
            Histogram<int> h => ToDoubles(h.Advice?.HistogramBucketBoundaries),
            Histogram<long> h => ToDoubles(h.Advice?.HistogramBucketBoundaries),
            Histogram<float> h => ToDoubles(h.Advice?.HistogramBucketBoundaries),
            Histogram<double> h => ToDoubles(h.Advice?.HistogramBucketBoundaries),
            Histogram<decimal> h => ToDoubles(h.Advice?.HistogramBucketBoundaries),
            _ => null,
        };

        return advised is null
            ? [.. DefaultHistogramBoundaries]
            : [.. advised.Where(double.IsFinite).Distinct().Order()];
    }

    private static IEnumerable<double>? ToDoubles<T>(IReadOnlyList<T>? boundaries)
        where T : INumberBase<T> =>
        boundaries?.Select(double.CreateSaturating);
}
