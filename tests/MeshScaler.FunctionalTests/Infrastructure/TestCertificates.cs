using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshScaler.FunctionalTests.Infrastructure;

/// <summary>Certificates made on the fly: a self-signed server certificate, a client CA and client certificates.</summary>
internal sealed class TestCertificates : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public TestCertificates()
    {
        Directory = Path.Combine(Path.GetTempPath(), "meshscaler-grpc-tls-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth], false));
        ServerCertificate = serverRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(ServerCertificateFile, ServerCertificate.ExportCertificatePem());
        File.WriteAllText(ServerKeyFile, serverKey.ExportPkcs8PrivateKeyPem());

        ClientCa = CreateCa("MeshScaler Test Client CA");
        File.WriteAllText(ClientCaFile, ClientCa.ExportCertificatePem());
        TrustedClient = CreateClient(ClientCa, "CN=trusted-client");
        using var otherCa = CreateCa("Some Other CA");
        UntrustedClient = CreateClient(otherCa, "CN=untrusted-client");
    }

    public string Directory { get; }

    /// <summary>Writes a new self-signed server certificate and key over the files, as a Secret rotation does.</summary>
    public X509Certificate2 RotateServerCertificate(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth], false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // New files beside, then renamed over: a reader never sees a half-written file (Kubernetes swaps a symlink).
        File.WriteAllText(ServerKeyFile + ".new", key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(ServerCertificateFile + ".new", certificate.ExportCertificatePem());
        File.Move(ServerKeyFile + ".new", ServerKeyFile, overwrite: true);
        File.Move(ServerCertificateFile + ".new", ServerCertificateFile, overwrite: true);
        return certificate;
    }

    public string ServerCertificateFile => Path.Combine(Directory, "server.crt");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    public string ClientCaFile => Path.Combine(Directory, "client-ca.crt");

    public X509Certificate2 ServerCertificate { get; }

    public X509Certificate2 ClientCa { get; }

    public X509Certificate2 TrustedClient { get; }

    public X509Certificate2 UntrustedClient { get; }

    public void Dispose()
    {
        ServerCertificate.Dispose();
        ClientCa.Dispose();
        TrustedClient.Dispose();
        UntrustedClient.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    public static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>An intermediate CA (with its key) that <paramref name="ca"/> signed, to sign client certificates with.</summary>
    public static X509Certificate2 CreateIntermediate(X509Certificate2 ca, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow.AddHours(20), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public static X509Certificate2 CreateClient(X509Certificate2 ca, string subject) => CreateClient(ca, new X500DistinguishedName(subject));

    /// <summary>
    /// A subject whose one RDN holds several attributes (<c>CN=…+O=…</c>), which .NET cannot write from a string: the
    /// DER is written by hand.
    /// </summary>
    public static X500DistinguishedName MultiValued(params (string Oid, string Value)[] attributes)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSetOf())
        {
            foreach (var (oid, value) in attributes)
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(oid);
                    writer.WriteCharacterString(System.Formats.Asn1.UniversalTagNumber.UTF8String, value);
                }
            }
        }

        return new X500DistinguishedName(writer.Encode());
    }

    public static X509Certificate2 CreateClient(X509Certificate2 ca, X500DistinguishedName subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth], false));
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);

        // Round-trip through PKCS#12 so the key outlives the ephemeral handle on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
