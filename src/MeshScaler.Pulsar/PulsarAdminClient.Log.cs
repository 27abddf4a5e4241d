using Microsoft.Extensions.Logging;

namespace MeshScaler.Pulsar;

internal sealed partial class PulsarAdminClient
{
    [LoggerMessage(EventId = 2008, Level = LogLevel.Information,
        Message = "cluster '{Cluster}': partitioned stats of {Topic} lack {Missing} of {Partitions} partitions; fetching them one by one")]
    private static partial void LogMissingPartitions(ILogger logger, string cluster, string topic, int missing, int partitions);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Debug,
        Message = "closed {Count} connection(s) to unconfigured Pulsar clusters unused for {Minutes} min")]
    private static partial void LogConnectionsEvicted(ILogger logger, int count, double minutes);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Pulsar admin answer rejected: {Reason}")]
    private static partial void LogInvalidPayload(ILogger logger, string reason);
}
