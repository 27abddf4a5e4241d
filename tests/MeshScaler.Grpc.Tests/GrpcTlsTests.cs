using System.Net;
using Google.Protobuf.WellKnownTypes;
using MeshScaler.Grpc.Tests.Infrastructure;

namespace MeshScaler.Grpc.Tests;

public sealed class GrpcTlsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task ListenGrpc_TlsWithoutClientCa_ServesOverH2()
    {
        await using var host = await GrpcTestHost.StartAsync(tls: ServerTls(clientCa: false));
        using var client = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate);

        var response = await client.CallAsync(TestMethods.Unary, new StringValue { Value = "tls" });

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal("echo: tls", StringValue.Parser.ParseFrom(Assert.Single(response.Messages)).Value);
    }

    [Fact]
    public async Task ListenGrpc_TlsHttp11Request_Refused426()
    {
        await using var host = await GrpcTestHost.StartAsync(tls: ServerTls(clientCa: false));
        using var client = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate, version: HttpVersion.Version11);

        var response = await client.CallAsync(TestMethods.Unary, new StringValue { Value = "x" });

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.HttpStatus);
        Assert.Empty(response.Messages);
        Assert.Contains("Request protocol 'HTTP/1.1' is not supported", System.Text.Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListenGrpc_MutualTlsClientSignedByCa_Succeeds()
    {
        await using var host = await GrpcTestHost.StartAsync(tls: ServerTls(clientCa: true));
        using var client = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate, _certificates.TrustedClient);

        var response = await client.CallAsync(TestMethods.Unary, new StringValue { Value = "mtls" });

        Assert.Equal(0, response.GrpcStatus);
    }

    [Fact]
    public async Task ListenGrpc_MutualTlsClientWithoutCertificate_Fails()
    {
        await using var host = await GrpcTestHost.StartAsync(tls: ServerTls(clientCa: true));
        using var client = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.CallAsync(TestMethods.Unary, new StringValue()));
    }

    [Fact]
    public async Task ListenGrpc_MutualTlsClientFromOtherCa_FailsAndLogs()
    {
        await using var host = await GrpcTestHost.StartAsync(tls: ServerTls(clientCa: true));
        using var client = new GrpcTestClient(host.GrpcPort, _certificates.ServerCertificate, _certificates.UntrustedClient);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.CallAsync(TestMethods.Unary, new StringValue()));
        var rejected = await host.Logs.WaitForEventAsync(1011);
        Assert.Contains("untrusted-client", rejected.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(GrpcTlsOptions.CertificateFile))]
    [InlineData(nameof(GrpcTlsOptions.KeyFile))]
    [InlineData(nameof(GrpcTlsOptions.ClientCaFile))]
    public void ListenGrpc_MissingFile_ThrowsNamingTheSetting(string setting)
    {
        var tls = ServerTls(clientCa: true);
        var missing = Path.Combine(_certificates.Directory, "missing.pem");
        switch (setting)
        {
            case nameof(GrpcTlsOptions.CertificateFile): tls.CertificateFile = missing; break;
            case nameof(GrpcTlsOptions.KeyFile): tls.KeyFile = missing; break;
            default: tls.ClientCaFile = missing; break;
        }

        var kestrel = new Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions();

        var error = Assert.Throws<ArgumentException>(() => kestrel.ListenGrpc(IPAddress.Loopback, 0, tls));

        Assert.Contains($"GrpcTlsOptions.{setting}", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing.pem", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListenGrpc_KeyDoesNotMatchCertificate_ThrowsNamingFiles()
    {
        var tls = ServerTls(clientCa: false);
        tls.KeyFile = _certificates.ClientCaFile;
        var kestrel = new Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions();

        var error = Assert.Throws<ArgumentException>(() => kestrel.ListenGrpc(IPAddress.Loopback, 0, tls));

        Assert.Contains("GrpcTlsOptions.CertificateFile", error.Message, StringComparison.Ordinal);
    }

    private GrpcTlsOptions ServerTls(bool clientCa) => new()
    {
        CertificateFile = _certificates.ServerCertificateFile,
        KeyFile = _certificates.ServerKeyFile,
        ClientCaFile = clientCa ? _certificates.ClientCaFile : null,
    };
}
