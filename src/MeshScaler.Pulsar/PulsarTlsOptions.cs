namespace MeshScaler.Pulsar;

/// <summary>TLS settings for an https admin URL. Files are PEM and read once, when the cluster is first called.</summary>
public sealed class PulsarTlsOptions
{
    /// <summary>CA bundle trusted for the admin server's certificate, instead of the system roots.</summary>
    public string? CaFile { get; set; }

    /// <summary>Client certificate (mutual TLS); requires <see cref="KeyFile"/>.</summary>
    public string? CertFile { get; set; }

    /// <summary>Private key of <see cref="CertFile"/>; requires <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Accept any server certificate. Default false; for test clusters only.</summary>
    public bool InsecureSkipVerify { get; set; }
}
