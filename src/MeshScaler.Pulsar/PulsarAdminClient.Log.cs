using Microsoft.Extensions.Logging;

namespace MeshScaler.Pulsar;

internal sealed partial class PulsarAdminClient
{
    [LoggerMessage(EventId = 2008, Level = LogLevel.Information,
        Message = "cluster '{Cluster}': partitioned stats of {Topic} lack {Missing} of {Partitions} partitions; fetching them one by one")]
    private static partial void LogMissingPartitions(ILogger logger, string cluster, string topic, int missing, int partitions);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Pulsar admin answer rejected: {Reason}")]
    private static partial void LogInvalidPayload(ILogger logger, string reason);
}
