using Microsoft.Extensions.Logging;

namespace MeshScaler.Pulsar;

internal sealed partial class PulsarClusterDirectory
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "no Pulsar clusters are configured: any adminURL a ScaledObject names will be called (without credentials); configure MeshScaler:Pulsar:Clusters to restrict them")]
    private static partial void LogNoClustersConfigured(ILogger logger);
}
