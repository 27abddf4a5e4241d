namespace MeshScaler.Hosting;

/// <summary><c>MeshScaler:Grpc</c>: the port KEDA calls (and Kubernetes gRPC probes use).</summary>
public sealed class GrpcListenerOptions
{
    public const string SectionName = "MeshScaler:Grpc";

    /// <summary>Default 9090; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 9090;

    /// <summary>Address to bind, default all interfaces (<c>0.0.0.0</c>); <c>127.0.0.1</c> for local-only.</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>Optional TLS (PEM files); with <c>ClientCaFile</c>, clients must present a certificate it signed (mTLS).</summary>
    public GrpcTlsOptions? Tls { get; set; }

    /// <summary>Default for <see cref="MaxReceiveMessageSize"/>: 4 MiB, the gRPC default.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// Largest request message accepted, in bytes, after decompression; larger ones are refused with RESOURCE_EXHAUSTED.
    /// Default 4 MiB; must be positive.
    /// </summary>
    public int MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;
}

/// <summary><c>MeshScaler:Http</c>: the ops port serving <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>.</summary>
public sealed class HttpListenerOptions
{
    public const string SectionName = "MeshScaler:Http";

    /// <summary>Default 8080; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Address to bind, default all interfaces.</summary>
    public string Address { get; set; } = "0.0.0.0";
}
