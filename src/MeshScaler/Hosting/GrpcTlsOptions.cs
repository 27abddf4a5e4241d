namespace MeshScaler.Hosting;

/// <summary>
/// TLS for the gRPC listener. All paths are PEM files, read at start and again whenever they change (a Kubernetes
/// Secret volume swaps a symlink), with no restart.
/// </summary>
public sealed class GrpcTlsOptions : TlsFiles
{
}

/// <summary>A server certificate, its key and optionally a client CA, as PEM files.</summary>
public class TlsFiles
{
    /// <summary>Server certificate (PEM). May be followed by intermediates. Required.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>Private key of <see cref="CertificateFile"/> (PEM, PKCS#8, PKCS#1 or SEC1, unencrypted). Required.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// CA certificates (PEM) that sign client certificates. When set, every client must present a certificate whose
    /// chain builds to one of these CAs and nothing else (the system trust store is ignored): mutual TLS.
    /// When null (default), client certificates are neither requested nor checked.
    /// </summary>
    public string? ClientCaFile { get; set; }
}
