namespace MeshScaler.MetricsApi;

/// <summary>The metrics API's log events, ids 5300-5399.</summary>
internal static partial class MetricsApiLog
{
    [LoggerMessage(5300, LogLevel.Error, "The metrics API failed unexpectedly on {Path}")]
    public static partial void Unexpected(ILogger logger, string path, Exception exception);

    [LoggerMessage(5301, LogLevel.Warning, "The metrics API is served on {Address}:{Port} without TLS or authentication (MeshScaler:MetricsApi:Insecure): loopback only, for the demo and tests")]
    public static partial void Insecure(ILogger logger, string address, int port);

    [LoggerMessage(5302, LogLevel.Warning, "The metrics API has no certificate configured (MeshScaler:MetricsApi:CertificateFile and KeyFile): serving a self-signed one made at start for {Names}; the aggregator cannot verify it, so its APIService needs insecureSkipTLSVerify: true. Configure a certificate for production.")]
    public static partial void SelfSigned(ILogger logger, string names);

    // 5303 was "could not review a bearer token", per request: ClusterReviews logs an outage once (6003, 6004).

    [LoggerMessage(5304, LogLevel.Warning, "The metrics API refused a front-proxy certificate: its common name {Name} is not in requestheader-allowed-names ({Allowed})")]
    public static partial void FrontProxyNameRefused(ILogger logger, string name, string allowed);

    [LoggerMessage(5305, LogLevel.Warning, "The metrics API's trust, kube-system/extension-apiserver-authentication: {Problem}")]
    public static partial void TrustProblem(ILogger logger, string problem);

    [LoggerMessage(5306, LogLevel.Information, "The metrics API serves HTTPS on {Address}:{Port}, authenticating and authorizing through the cluster")]
    public static partial void Secure(ILogger logger, string address, int port);

    [LoggerMessage(5307, LogLevel.Warning, "The metrics API refused a client certificate ({Subject}): {Reason}")]
    public static partial void CertificateRefused(ILogger logger, string subject, string reason);

    [LoggerMessage(5308, LogLevel.Warning, "The upstream adapter {Adapter} did not give its discovery document {Path}: {Reason}. Its metrics are still forwarded, but not listed in MeshScaler's discovery until it does")]
    public static partial void UpstreamDiscoveryFailed(ILogger logger, string adapter, string path, string reason);

    [LoggerMessage(5309, LogLevel.Information, "The upstream adapter {Adapter} gives its discovery document {Path} again")]
    public static partial void UpstreamDiscoveryRecovered(ILogger logger, string adapter, string path);
}
