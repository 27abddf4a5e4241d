using Microsoft.Extensions.Logging;

namespace MeshScaler.Engine;

/// <summary>The Engine's log events, ids 3000-3099, written under the <see cref="SignalStore"/> category.</summary>
internal static partial class EngineLog
{
    [LoggerMessage(3000, LogLevel.Warning, "Polling {What} on cluster '{Cluster}' failed: {Reason}")]
    public static partial void SourceFailed(ILogger logger, string what, string cluster, string reason);

    [LoggerMessage(3001, LogLevel.Information, "Polling {What} on cluster '{Cluster}' works again")]
    public static partial void SourceRecovered(ILogger logger, string what, string cluster);

    [LoggerMessage(3002, LogLevel.Error, "The source threw unexpectedly while polling {What} on cluster '{Cluster}'")]
    public static partial void SourceBug(ILogger logger, string what, string cluster, Exception exception);

    [LoggerMessage(3003, LogLevel.Warning, "Subscription '{Subscription}' does not exist on {Topic} (cluster '{Cluster}'): counted as backlog 0, active while the topic receives messages")]
    public static partial void SubscriptionMissing(ILogger logger, string subscription, string topic, string cluster);

    [LoggerMessage(3005, LogLevel.Debug, "Polling {What} on cluster '{Cluster}' still fails: {Reason}")]
    public static partial void SourceStillFailing(ILogger logger, string what, string cluster, string reason);

    [LoggerMessage(3006, LogLevel.Error, "Evaluating target {Metric} failed unexpectedly")]
    public static partial void EvaluationFailed(ILogger logger, string metric, Exception exception);

    [LoggerMessage(3004, LogLevel.Debug, "Stopped polling {What} on cluster '{Cluster}': not asked about within IdleEviction")]
    public static partial void SubjectEvicted(ILogger logger, string what, string cluster);
}
