using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshScaler.Pulsar;

namespace MeshScaler.Hosting;

/// <summary>
/// A listener's TLS settings from PEM files, re-read when a file changes: the server certificate (with its
/// intermediates) and key, and for the gRPC listener the client CA for mutual TLS. Each handshake checks the files' stamps (a few stat calls)
/// and builds new options only after a change, so a rotated Secret takes effect on the next connection.
/// </summary>
/// <remarks>
/// A file caught half-written during a rotation fails to load: the last good settings stay in use, a Warning says
/// why, and the next handshake tries again. Only the first load, at start, throws.
/// </remarks>
internal sealed partial class ReloadingTls
{
    private readonly TlsFiles _options;
    private readonly string _section;
    private readonly RemoteCertificateValidationCallback? _requestedClientCertificate;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private (FileStamp Certificate, FileStamp Key, FileStamp? Ca) _stamps;
    private SslServerAuthenticationOptions _current;

    /// <param name="section">The settings' section, to name them in errors (e.g. <c>MeshScaler:Grpc:Tls</c>).</param>
    /// <param name="requestedClientCertificate">
    /// When set, every client is asked for a certificate, which is neither required nor checked here: the callback
    /// sees it and must accept it, and the application checks it against trust that changes at run time, as an
    /// extension API server does. Ignored when <see cref="TlsFiles.ClientCaFile"/> is set.
    /// </param>
    /// <exception cref="ArgumentException">A file is missing or is not a usable PEM certificate, key or CA; the message names the setting.</exception>
    public ReloadingTls(TlsFiles options, string section, ILogger logger, RemoteCertificateValidationCallback? requestedClientCertificate = null)
    {
        _options = options;
        _section = section;
        _requestedClientCertificate = requestedClientCertificate;
        _logger = logger;
        _stamps = Stamps();
        _current = Load();
    }

    /// <summary>The options for one handshake: the current ones, reloaded first when a file changed.</summary>
    public SslServerAuthenticationOptions Current()
    {
        (FileStamp, FileStamp, FileStamp?) stamps;
        try
        {
            stamps = Stamps();
        }
        catch (ArgumentException ex)
        {
            LogReloadFailed(_logger, _section, ex.Message);
            return _current;
        }

        lock (_gate)
        {
            if (stamps == _stamps)
            {
                return _current;
            }

            try
            {
                _current = Load();
                LogReloaded(_logger, _section, _options.CertificateFile!, _current.ServerCertificateContext!.TargetCertificate.Subject);
            }
            catch (ArgumentException ex)
            {
                LogReloadFailed(_logger, _section, ex.Message);
            }

            // Also after a failure: a broken file is retried when it changes again, not on every handshake.
            _stamps = stamps;
            return _current;
        }
    }

    private (FileStamp, FileStamp, FileStamp?) Stamps() => (
        Stamp(_options.CertificateFile, nameof(TlsFiles.CertificateFile)),
        Stamp(_options.KeyFile, nameof(TlsFiles.KeyFile)),
        _options.ClientCaFile is null ? null : Stamp(_options.ClientCaFile, nameof(TlsFiles.ClientCaFile)));

    private SslServerAuthenticationOptions Load()
    {
        var certificateFile = _options.CertificateFile!;
        var keyFile = _options.KeyFile!;
        X509Certificate2 certificate;
        X509Certificate2Collection chain;
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);

            // A PEM key is ephemeral; some platforms' TLS stacks need it in a persisted (PKCS#12) form.
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
            chain = [];
            chain.ImportFromPemFile(certificateFile);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"{Setting(nameof(TlsFiles.CertificateFile))} \"{certificateFile}\" with {Setting(nameof(TlsFiles.KeyFile))} \"{keyFile}\" is not a usable PEM certificate and key: {ex.Message}", ex);
        }

        if (chain.Count > 0)
        {
            chain.RemoveAt(0);
        }

        var authorities = _options.ClientCaFile is { } caFile ? LoadAuthorities(caFile) : null;
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, chain, offline: true),
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            ClientCertificateRequired = authorities is not null || _requestedClientCertificate is not null,

            // A private CA publishes no revocation lists; trust is "signed by this CA", checked below.
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (authorities is not null)
        {
            options.RemoteCertificateValidationCallback = (_, presented, presentedChain, _) =>
                ValidateClientCertificate(presented as X509Certificate2, presentedChain, authorities);
        }
        else if (_requestedClientCertificate is not null)
        {
            // Requested, not required: a probe or a bearer-token client connects without one (tls.RequestClientCert).
            // No session resumption: a resumed client does not send its certificate chain again, and the callback sees
            // every handshake's certificates whole.
            options.RemoteCertificateValidationCallback = _requestedClientCertificate;
            options.AllowTlsResume = false;
        }

        return options;
    }

    private X509Certificate2Collection LoadAuthorities(string caFile)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caFile);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"{Setting(nameof(TlsFiles.ClientCaFile))} \"{caFile}\" is not a PEM certificate file: {ex.Message}", ex);
        }

        return authorities.Count > 0
            ? authorities
            : throw new ArgumentException($"{Setting(nameof(TlsFiles.ClientCaFile))} \"{caFile}\" contains no certificate.");
    }

    /// <summary>True when the client certificate's chain builds to one of the client CAs alone (the system store is ignored).</summary>
    private bool ValidateClientCertificate(X509Certificate2? certificate, X509Chain? presented, X509Certificate2Collection authorities)
    {
        if (certificate is null)
        {
            LogClientCertificateRejected(_logger, "none", "no client certificate was presented.");
            return false;
        }

        if (CertificateTrust.Chains(certificate, authorities, CertificateTrust.ClientAuthentication, presented?.ChainElements.Select(e => e.Certificate), out var reasons))
        {
            return true;
        }

        LogClientCertificateRejected(_logger, certificate.Subject, reasons.Length == 0 ? "its chain does not build to the client CA." : reasons);
        return false;
    }

    private FileStamp Stamp(string? path, string setting)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"{Setting(setting)} is required for TLS.");
        }

        try
        {
            return FileStamp.Of(path);
        }
        catch (IOException)
        {
            throw new ArgumentException($"{Setting(setting)} \"{path}\" does not exist.");
        }
    }

    private string Setting(string name) => $"{_section}:{name}";

    [LoggerMessage(5010, LogLevel.Information, "{Section}: reloaded {CertificateFile} (subject {Subject})")]
    private static partial void LogReloaded(ILogger logger, string section, string certificateFile, string subject);

    [LoggerMessage(5011, LogLevel.Warning, "{Section}: keeping the previous certificate: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string section, string reason);

    [LoggerMessage(5012, LogLevel.Information, "gRPC TLS: client certificate {Subject} rejected: {Reason}")]
    private static partial void LogClientCertificateRejected(ILogger logger, string subject, string reason);
}
