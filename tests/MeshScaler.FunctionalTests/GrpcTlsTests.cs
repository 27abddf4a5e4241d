using System.Security.Cryptography.X509Certificates;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Keda;

namespace MeshScaler.FunctionalTests;

/// <summary>TLS and mutual TLS on the gRPC listener (Kestrel), with certificate files re-read when they change.</summary>
public sealed class GrpcTlsTests : IDisposable
{
    private const string GetMetricSpec = "/externalscaler.ExternalScaler/GetMetricSpec";
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task Tls_WithoutClientCa_ServesOverH2()
    {
        await using var host = await StartAsync(clientCa: false);
        using var client = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate);

        Assert.Equal(0, await StatusAsync(client, host));
    }

    [Fact]
    public async Task Tls_Http11Request_Refused426()
    {
        await using var host = await StartAsync(clientCa: false);
        using var client = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate);
        using var request = new HttpRequestMessage(HttpMethod.Post, GetMetricSpec)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new("application/grpc");

        using var response = await client.Raw.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    [Fact]
    public async Task MutualTls_ClientSignedByCa_Succeeds()
    {
        await using var host = await StartAsync(clientCa: true);
        using var client = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate, _certificates.TrustedClient);

        Assert.Equal(0, await StatusAsync(client, host));
    }

    [Fact]
    public async Task MutualTls_ClientWithoutCertificate_Fails()
    {
        await using var host = await StartAsync(clientCa: true);
        using var client = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate);

        // With TLS 1.3 the client's handshake completes before the server checks for a certificate; the refusal then
        // reaches the client while it sends (UNAVAILABLE) or, on a busy machine, while it reads (INTERNAL). Either way
        // the call never reaches the service.
        var result = await client.UnaryAsync(GetMetricSpec, Spec(host), GetMetricSpecResponse.Parser);
        Assert.True(result.Status is 14 or 13, $"status {result.Status}: {result.Message}");
        Assert.Empty(result.Messages);
    }

    [Fact]
    public async Task MutualTls_ClientFromOtherCa_FailsAndLogs()
    {
        await using var host = await StartAsync(clientCa: true);
        using var client = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate, _certificates.UntrustedClient);

        Assert.Equal(14, await StatusAsync(client, host));
        var rejected = await host.Logs.WaitForEventAsync(5012);
        Assert.Contains("untrusted-client", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_CertificateFilesReplaced_NewConnectionsGetTheNewCertificateWithoutRestart()
    {
        await using var host = await StartAsync(clientCa: false);
        using (var before = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate))
        {
            Assert.Equal(0, await StatusAsync(before, host));
        }

        using X509Certificate2 rotated = _certificates.RotateServerCertificate("CN=rotated");

        using var stale = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate);
        Assert.NotEqual(0, await StatusAsync(stale, host));
        using var fresh = new GrpcTestClient(host.GrpcPort, rotated);
        Assert.Equal(0, await StatusAsync(fresh, host));
        var reloaded = await host.Logs.WaitForEventAsync(5010);
        Assert.Contains("CN=rotated", reloaded.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_CertificateReplacedByGarbage_KeepsServingThePreviousOneAndWarns()
    {
        await using var host = await StartAsync(clientCa: false);
        await File.WriteAllTextAsync(_certificates.ServerCertificateFile, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");

        using var client = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate);
        Assert.Equal(0, await StatusAsync(client, host));
        var warning = await host.Logs.WaitForEventAsync(5011);
        Assert.Contains("MeshScaler:Grpc:Tls:CertificateFile", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_KeyDoesNotMatchCertificate_IsAConfigurationErrorNamingTheFiles()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ScalerHost.StartAsync((settings, _) =>
        {
            settings["MeshScaler:Grpc:Tls:CertificateFile"] = _certificates.ServerCertificateFile;
            settings["MeshScaler:Grpc:Tls:KeyFile"] = _certificates.ClientCaFile;
        }));

        var failure = Assert.Single(Hosting.ConfigurationErrors.From(error));
        Assert.StartsWith($"MeshScaler:Grpc:Tls:CertificateFile \"{_certificates.ServerCertificateFile}\" with MeshScaler:Grpc:Tls:KeyFile", failure, StringComparison.Ordinal);
    }

    /// <summary>The status of a GetMetricSpec over <paramref name="client"/>'s connection (14 when its handshake fails).</summary>
    private static async Task<int> StatusAsync(GrpcTestClient client, ScalerHost host) =>
        (await client.UnaryAsync(GetMetricSpec, Spec(host), GetMetricSpecResponse.Parser)).Status;

    private static ScaledObjectRef Spec(ScalerHost host)
    {
        var reference = new ScaledObjectRef { Name = "tls", Namespace = "fm" };
        reference.ScalerMetadata.Add("adminURL", host.AdminUrl);
        reference.ScalerMetadata.Add("topic", "public/default/orders");
        reference.ScalerMetadata.Add("subscription", "sub");
        return reference;
    }

    private Task<ScalerHost> StartAsync(bool clientCa) => ScalerHost.StartAsync((settings, _) =>
    {
        settings["MeshScaler:Grpc:Tls:CertificateFile"] = _certificates.ServerCertificateFile;
        settings["MeshScaler:Grpc:Tls:KeyFile"] = _certificates.ServerKeyFile;
        if (clientCa)
        {
            settings["MeshScaler:Grpc:Tls:ClientCaFile"] = _certificates.ClientCaFile;
        }
    }, tls: _certificates.ServerCertificate);
}
