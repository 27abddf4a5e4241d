using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshScaler.Hosting;

namespace MeshScaler.MetricsApi;

/// <summary>
/// The metrics API's TLS: the configured certificate and key, re-read when they change, or else a self-signed
/// certificate made at start. Client certificates are requested, never required, and checked by
/// <see cref="ApiAuthenticator"/> against the cluster's CAs, which change at run time.
/// </summary>
internal static class MetricsApiTls
{
    /// <summary>The options for each handshake.</summary>
    /// <exception cref="ArgumentException">A configured file is missing or unusable; the message names the setting.</exception>
    public static Func<SslServerAuthenticationOptions> Create(MetricsApiOptions options, TimeProvider time, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.CertificateFile))
        {
            var files = new TlsFiles { CertificateFile = options.CertificateFile, KeyFile = options.KeyFile };
            return new ReloadingTls(files, MetricsApiOptions.SectionName, logger, PresentedIntermediates.Remember).Current;
        }

        string[] names = ["localhost", "127.0.0.1", "::1", .. options.SelfSignedNames];
        MetricsApiLog.SelfSigned(logger, string.Join(", ", names));
        var certificate = SelfSigned(names, time.GetUtcNow());
        var fixedOptions = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, [], offline: true),
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = PresentedIntermediates.Remember,

            // As ReloadingTls with a requested client certificate: every handshake presents its chain whole.
            AllowTlsResume = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        return () => fixedOptions;
    }

    /// <summary>An ECDSA P-256 server certificate for <paramref name="names"/> (DNS names and IP addresses), valid a year.</summary>
    public static X509Certificate2 SelfSigned(IReadOnlyList<string> names, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=meshscaler-metrics-api", key, HashAlgorithmName.SHA256);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in names.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternativeNames.AddIpAddress(address);
            }
            else
            {
                alternativeNames.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(alternativeNames.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));

        // An ephemeral key; some platforms' TLS stacks need it in a persisted (PKCS#12) form.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }
}
