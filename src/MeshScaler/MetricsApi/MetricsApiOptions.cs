namespace MeshScaler.MetricsApi;

/// <summary>
/// <c>MeshScaler:MetricsApi</c>: the Kubernetes custom and external metrics APIs (<c>custom.metrics.k8s.io</c> v1beta1
/// and v1beta2, <c>external.metrics.k8s.io</c> v1beta1) the HPA reads through the cluster's aggregator, on an HTTPS
/// listener of its own, with authentication and authorization delegated to the cluster as kube-apiserver's extension
/// servers do (the front proxy's certificate and headers, client certificates, TokenReview, SubjectAccessReview).
/// </summary>
public sealed class MetricsApiOptions
{
    public const string SectionName = "MeshScaler:MetricsApi";

    /// <summary>Serve the API at all. Off by default: an APIService must point at it first.</summary>
    public bool Enabled { get; set; }

    /// <summary>The API's own port (an aggregated API server's usual 6443).</summary>
    public int Port { get; set; } = 6443;

    /// <summary>Where to listen, default all interfaces; with <see cref="Insecure"/>, a loopback address only.</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>
    /// The serving certificate (PEM, intermediates may follow) and <see cref="KeyFile"/>, re-read when they change. It needs
    /// the SAN <c>&lt;service&gt;.&lt;namespace&gt;.svc</c> the aggregator verifies against the APIService's caBundle. When
    /// neither is set, a self-signed certificate is generated at start and a warning says so: the APIService must then
    /// set <c>insecureSkipTLSVerify</c>.
    /// </summary>
    public string? CertificateFile { get; set; }

    /// <summary>The private key of <see cref="CertificateFile"/> (PEM, unencrypted).</summary>
    public string? KeyFile { get; set; }

    /// <summary>Names the self-signed certificate is made for, besides <c>localhost</c>, 127.0.0.1 and ::1 (e.g. <c>meshscaler.meshscaler.svc</c>).</summary>
    public IList<string> SelfSignedNames { get; } = [];

    /// <summary>How long a TokenReview's answer is kept (kube-apiserver's <c>--authentication-token-webhook-cache-ttl</c>).</summary>
    public TimeSpan TokenCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an allowed SubjectAccessReview is kept.</summary>
    public TimeSpan AllowedCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a denied SubjectAccessReview is kept.</summary>
    public TimeSpan DeniedCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The adapter to forward the metrics MeshScaler does not serve to; none by default.</summary>
    public MetricsApiUpstreamOptions Upstream { get; set; } = new();

    /// <summary>
    /// Plain HTTP without authentication or authorization, on a loopback address only (MeshScaler refuses to start it on
    /// any other): for the demo, tests and <c>kubectl --server</c>.
    /// </summary>
    public bool Insecure { get; set; }
}
