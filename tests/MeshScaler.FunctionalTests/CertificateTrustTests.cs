using System.Security.Cryptography.X509Certificates;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Hosting;

namespace MeshScaler.FunctionalTests;

/// <summary>"Signed by one of these CAs", and until when the chain that was built stays valid.</summary>
public sealed class CertificateTrustTests
{
    [Fact]
    public void Chains_ThroughAPresentedIntermediate_ValidUntilTheChainsFirstExpiry()
    {
        using var ca = TestCertificates.CreateCa("root");
        using var intermediate = TestCertificates.CreateIntermediate(ca, "intermediate");
        using var leaf = TestCertificates.CreateClient(intermediate, "CN=carol");
        using var presented = X509CertificateLoader.LoadCertificate(intermediate.RawData);

        var chains = CertificateTrust.Chains(leaf, [ca], CertificateTrust.ClientAuthentication, [presented], out var reasons, out var validUntil);
        var alone = CertificateTrust.Chains(leaf, [ca], CertificateTrust.ClientAuthentication, null, out var aloneReasons, out var aloneUntil);

        Assert.True(chains, reasons);
        Assert.Equal(new[] { leaf.NotAfter, intermediate.NotAfter, ca.NotAfter }.Min().ToUniversalTime(), validUntil);
        Assert.False(alone);
        Assert.NotEmpty(aloneReasons);
        Assert.Equal(DateTime.MinValue, aloneUntil);
    }
}
