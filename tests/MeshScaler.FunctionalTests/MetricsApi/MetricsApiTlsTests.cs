using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.MetricsApi;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>
/// The metrics API's handshake options, both ways a certificate is had: a client certificate is asked for, not required,
/// recorded with its chain, and no TLS session is resumed (a resumed client would not present its chain again).
/// </summary>
public sealed class MetricsApiTlsTests
{
    [Theory]
    [InlineData("self-signed", false)]
    [InlineData("from files", true)]
    public void Handshake_AsksForTheClientsChain_EveryTime(string name, bool fromFiles)
    {
        using var certificates = new TestCertificates();
        var options = new MetricsApiOptions { Enabled = true };
        if (fromFiles)
        {
            options.CertificateFile = certificates.ServerCertificateFile;
            options.KeyFile = certificates.ServerKeyFile;
        }

        var handshake = MetricsApiTls.Create(options, TimeProvider.System, NullLogger.Instance)();

        Assert.True(handshake.ClientCertificateRequired, name);
        Assert.False(handshake.AllowTlsResume, name);
        Assert.True(handshake.RemoteCertificateValidationCallback == PresentedIntermediates.Remember, name);
    }
}
