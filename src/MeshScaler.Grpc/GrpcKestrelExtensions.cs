using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshScaler.Grpc;

public static class GrpcKestrelExtensions
{
    /// <summary>
    /// Adds a gRPC listener. Requests on it are answered by <c>UseGrpcServer()</c>; other listeners are unaffected.
    /// Without <paramref name="tls"/> it speaks only cleartext HTTP/2 with prior knowledge (h2c, what gRPC clients
    /// send); an HTTP/1.x client has its connection closed by Kestrel. With TLS it offers h2 and http/1.1 by ALPN and
    /// the middleware refuses HTTP/1.x requests with 426.
    /// Certificate files are read now, so a bad path fails the host at start.
    /// </summary>
    /// <param name="port">TCP port; 0 picks a free one (read it from the returned options' <c>IPEndPoint</c> after start).</param>
    /// <returns>The listener's options; after the server started, <c>IPEndPoint</c> holds the bound port.</returns>
    /// <exception cref="ArgumentException">A TLS setting is missing or a file cannot be loaded; the message names it.</exception>
    public static ListenOptions ListenGrpc(this KestrelServerOptions options, IPAddress address, int port, GrpcTlsOptions? tls = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(address);
        var https = tls is null ? null : CreateHttpsOptions(tls, options);
        ListenOptions? listener = null;
        options.Listen(address, port, listen =>
        {
            listener = listen;

            // Cleartext Http1AndHttp2 does not take HTTP/2 prior knowledge (Kestrel in .NET 10 answers the
            // preface with GOAWAY HTTP_1_1_REQUIRED; see the tests), so cleartext is HTTP/2 only and an HTTP/1.x
            // client gets its connection closed. With TLS, ALPN picks the protocol, so HTTP/1.x requests reach
            // the middleware and get an explicit 426.
            listen.Protocols = https is null ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2;
            listen.Use(next => connection =>
            {
                GrpcConnectionMarker.Mark(connection);
                return next(connection);
            });
            if (https is not null)
            {
                listen.UseHttps(https);
            }
        });
        return listener!;
    }

    private static HttpsConnectionAdapterOptions CreateHttpsOptions(GrpcTlsOptions tls, KestrelServerOptions kestrel)
    {
        var certificateFile = RequireFile(tls.CertificateFile, nameof(GrpcTlsOptions.CertificateFile));
        var keyFile = RequireFile(tls.KeyFile, nameof(GrpcTlsOptions.KeyFile));
        X509Certificate2 certificate;
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);

            // A PEM key is ephemeral; some platforms' TLS stacks need it in a persisted (PKCS#12) form.
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"{nameof(GrpcTlsOptions)}.{nameof(GrpcTlsOptions.CertificateFile)} '{certificateFile}' with {nameof(GrpcTlsOptions.KeyFile)} '{keyFile}' is not a usable PEM certificate and key: {ex.Message}", nameof(tls), ex);
        }

        var https = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ServerCertificateChain = LoadChain(certificateFile),
            ClientCertificateMode = ClientCertificateMode.NoCertificate,
        };

        if (tls.ClientCaFile is not null)
        {
            var caFile = RequireFile(tls.ClientCaFile, nameof(GrpcTlsOptions.ClientCaFile));
            var authorities = new X509Certificate2Collection();
            try
            {
                authorities.ImportFromPemFile(caFile);
            }
            catch (CryptographicException ex)
            {
                throw new ArgumentException($"{nameof(GrpcTlsOptions)}.{nameof(GrpcTlsOptions.ClientCaFile)} '{caFile}' is not a PEM certificate file: {ex.Message}", nameof(tls), ex);
            }

            if (authorities.Count == 0)
            {
                throw new ArgumentException($"{nameof(GrpcTlsOptions)}.{nameof(GrpcTlsOptions.ClientCaFile)} '{caFile}' contains no certificate.", nameof(tls));
            }

            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;

            // A private CA publishes no revocation lists; trust is "signed by this CA", checked below.
            https.CheckCertificateRevocation = false;
            https.ClientCertificateValidation = (certificate, chain, _) =>
                ValidateClientCertificate(certificate, chain, authorities, Logger(kestrel));
        }

        return https;
    }

    /// <summary>True when the client certificate's chain builds to one of <paramref name="authorities"/> alone.</summary>
    internal static bool ValidateClientCertificate(
        X509Certificate2? certificate, X509Chain? presented, X509Certificate2Collection authorities, ILogger logger)
    {
        if (certificate is null)
        {
            GrpcServerLog.ClientCertificateRejected(logger, "none", "no client certificate was presented.");
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        // clientAuth; a certificate without an EKU extension is valid for any use.
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (chain.Build(certificate))
        {
            return true;
        }

        var reasons = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0));
        GrpcServerLog.ClientCertificateRejected(logger, certificate.Subject, reasons.Length == 0 ? "its chain does not build to the client CA." : reasons);
        return false;
    }

    private static X509Certificate2Collection? LoadChain(string certificateFile)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certificateFile);
        if (all.Count <= 1)
        {
            return null;
        }

        all.RemoveAt(0);
        return all;
    }

    private static string RequireFile(string? path, string setting)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"{nameof(GrpcTlsOptions)}.{setting} is required for a TLS gRPC listener.", "tls");
        }

        if (!File.Exists(path))
        {
            throw new ArgumentException($"{nameof(GrpcTlsOptions)}.{setting} '{path}' does not exist.", "tls");
        }

        return path;
    }

    private static ILogger Logger(KestrelServerOptions kestrel)
        => kestrel.ApplicationServices?.GetService<ILoggerFactory>()?.CreateLogger(GrpcServerMiddleware.LoggerCategory)
            ?? NullLogger.Instance;
}
