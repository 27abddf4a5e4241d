namespace MeshScaler.Pulsar;

/// <summary>TLS settings for an https admin URL. Files are PEM and read once, when the cluster is first called.</summary>
public sealed class PulsarTlsOptions
{
    /// <summary>
    /// CA bundle trusted for the admin server's certificate, instead of the system roots. For an OAuth2 issuer it is
    /// trusted in addition to the system roots.
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>Client certificate (mutual TLS); requires <see cref="KeyFile"/>.</summary>
    public string? CertFile { get; set; }

    /// <summary>Private key of <see cref="CertFile"/>; requires <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// Accept any server certificate. Default false; for test clusters only. Applies to an OAuth2 issuer only when it
    /// is on the admin URL's host.
    /// </summary>
    public bool InsecureSkipVerify { get; set; }
}
