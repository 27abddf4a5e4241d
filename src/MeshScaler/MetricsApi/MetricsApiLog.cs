namespace MeshScaler.MetricsApi;

/// <summary>The metrics API's log events, ids 5300-5399.</summary>
internal static partial class MetricsApiLog
{
    [LoggerMessage(5300, LogLevel.Error, "The metrics API failed unexpectedly on {Path}")]
    public static partial void Unexpected(ILogger logger, string path, Exception exception);

    [LoggerMessage(5301, LogLevel.Warning, "The custom metrics API is served on {Address}:{Port} without TLS or authentication (MeshScaler:MetricsApi:Insecure): loopback only, for the demo and tests")]
    public static partial void Insecure(ILogger logger, string address, int port);
}
