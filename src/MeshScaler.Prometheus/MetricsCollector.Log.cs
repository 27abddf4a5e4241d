using Microsoft.Extensions.Logging;

namespace MeshScaler.Prometheus;

/// <summary>Event ids 4000-4099 belong to MeshScaler.Prometheus.</summary>
internal sealed partial class MetricsCollector
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Exporting instruments of meters whose name starts with '{MeterNamePrefix}'.")]
    private static partial void LogListening(ILogger logger, string meterNamePrefix);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Instrument '{InstrumentName}' of meter '{MeterName}' is a {InstrumentType}, which is not exported.")]
    private static partial void LogUnsupportedInstrument(ILogger logger, string instrumentName, string meterName, string instrumentType);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Instrument '{InstrumentName}' of meter '{MeterName}' reached {MaxSeries} distinct tag sets (PrometheusExpositionOptions.MaxSeriesPerInstrument); measurements with new tag sets are dropped. A tag probably carries an unbounded value.")]
    internal static partial void LogSeriesLimitReached(ILogger logger, string instrumentName, string meterName, int maxSeries);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Instrument '{InstrumentName}' of meter '{MeterName}' recorded {Value}, which was dropped: {Reason}. Further invalid measurements of this instrument are dropped without logging.")]
    internal static partial void LogMeasurementRejected(ILogger logger, string instrumentName, string meterName, string value, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "An observable instrument callback failed; its series are missing from this scrape.")]
    private static partial void LogObservationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Prometheus exposition conflict: {Conflict}.")]
    private static partial void LogExpositionConflict(ILogger logger, string conflict);
}
