namespace MeshScaler.MetricsApi;

/// <summary>
/// <c>MeshScaler:MetricsApi</c>: the Kubernetes custom metrics API (<c>custom.metrics.k8s.io</c> v1beta1 and v1beta2)
/// the HPA reads, on a listener of its own.
/// </summary>
/// <remarks>
/// Preview: the delegated authentication and authorization a cluster's aggregator needs (front-proxy certificates,
/// TokenReview, SubjectAccessReview) are not built yet, so the API is served only in <see cref="Insecure"/> mode on a
/// loopback address (the demo, tests and <c>kubectl --server</c>); any other setting refuses to start, naming why.
/// </remarks>
public sealed class MetricsApiOptions
{
    public const string SectionName = "MeshScaler:MetricsApi";

    /// <summary>Serve the API at all. Off by default: an APIService must point at it first.</summary>
    public bool Enabled { get; set; }

    /// <summary>The API's own port (an aggregated API server's usual 6443).</summary>
    public int Port { get; set; } = 6443;

    /// <summary>Where to listen; with <see cref="Insecure"/>, a loopback address only.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Plain HTTP without authentication, on a loopback address only: for the demo and tests.</summary>
    public bool Insecure { get; set; }
}
