using MeshScaler.Core;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Pulsar;

internal sealed partial class PulsarClusterConnection
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Debug, Message = "Pulsar admin request to cluster '{Cluster}' failed ({Kind}): {Reason}")]
    private static partial void LogRequestFailed(ILogger logger, string cluster, ScalingErrorKind kind, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Pulsar admin request to cluster '{Cluster}' rejected ({Kind}): {Reason}")]
    private static partial void LogRejected(ILogger logger, string cluster, ScalingErrorKind kind, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug,
        Message = "cluster '{Cluster}': retry {Attempt} in {DelayMs:0} ms after: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string cluster, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "cluster '{Cluster}': circuit opened for {BreakSeconds} s after repeated failures; last: {Reason}")]
    private static partial void LogCircuitOpened(ILogger logger, string cluster, double breakSeconds, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "cluster '{Cluster}': circuit closed, calls resume")]
    private static partial void LogCircuitClosed(ILogger logger, string cluster);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning,
        Message = "cluster '{Cluster}': Pulsar admin requests are failing ({Kind}): {Reason}; further failures are logged at Debug until it recovers")]
    private static partial void LogClusterFailing(ILogger logger, string cluster, ScalingErrorKind kind, string reason);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "cluster '{Cluster}': Pulsar admin requests succeed again")]
    private static partial void LogClusterRecovered(ILogger logger, string cluster);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Debug, Message = "cluster '{Cluster}': GET {Path} redirected to {Target}")]
    private static partial void LogRedirect(ILogger logger, string cluster, string path, string target);
}
