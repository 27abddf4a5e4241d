namespace MeshScaler.MetricsApi;

/// <summary>
/// <c>MeshScaler:MetricsApi:Upstream</c>: the metrics adapter that answered the cluster's HPAs before MeshScaler was
/// registered (for example prometheus-adapter's Service). Requests for metrics MeshScaler does not serve are forwarded
/// to it over TLS, as the caller (after MeshScaler authenticated and authorized the caller), so no HPA that worked
/// before breaks.
/// </summary>
public sealed class MetricsApiUpstreamOptions
{
    /// <summary>The adapter's HTTPS base URL, e.g. <c>https://prometheus-adapter.monitoring.svc:443</c>; no forwarding when empty.</summary>
    public Uri? Url { get; set; }

    /// <summary>The CA (PEM) that signed the adapter's serving certificate; the system store when empty.</summary>
    public string? CaFile { get; set; }

    /// <summary>Skip verifying the adapter's certificate (as an APIService with <c>insecureSkipTLSVerify</c> does).</summary>
    public bool InsecureSkipVerify { get; set; }

    /// <summary>
    /// A client certificate (PEM) the adapter trusts as a front proxy, so it believes the caller's identity MeshScaler
    /// sends in <c>X-Remote-User</c>, <c>X-Remote-Uid</c>, <c>X-Remote-Group</c> and <c>X-Remote-Extra-*</c>. Signed by a
    /// CA that only that adapter trusts (added to its <c>--requestheader-client-ca-file</c> bundle, its CN to
    /// <c>--requestheader-allowed-names</c>), never by the cluster's front-proxy CA, which kube-apiserver trusts too: a
    /// certificate from that CA could claim <c>system:masters</c> to kube-apiserver itself.
    /// </summary>
    public string? CertificateFile { get; set; }

    /// <summary>The key of <see cref="CertificateFile"/> (PEM, unencrypted).</summary>
    public string? KeyFile { get; set; }

    /// <summary>How long one forwarded request may take (the HPA's own client gives up after about 30 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
