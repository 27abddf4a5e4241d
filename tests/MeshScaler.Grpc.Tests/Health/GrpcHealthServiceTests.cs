using Google.Protobuf;
using MeshScaler.Grpc.Health;
using MeshScaler.Grpc.Health.V1;
using MeshScaler.Grpc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MeshScaler.Grpc.Tests.Health;

public sealed class GrpcHealthServiceTests : IAsyncLifetime
{
    private GrpcTestHost _host = null!;
    private GrpcTestClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await GrpcTestHost.StartAsync();
        _client = new GrpcTestClient(_host.GrpcPort);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Check_OverallAfterStart_Serving()
    {
        var response = await _client.CallAsync(GrpcHealthService.CheckMethod, new HealthCheckRequest());

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, HealthCheckResponse.Parser.ParseFrom(Assert.Single(response.Messages)).Status);
    }

    [Fact]
    public async Task Check_UnknownService_NotFound()
    {
        var response = await _client.CallAsync(GrpcHealthService.CheckMethod, new HealthCheckRequest { Service = "no.such.Service" });

        Assert.Equal((int)StatusCode.NotFound, response.GrpcStatus);
        Assert.Contains("no.such.Service", response.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ServiceSetByHost_ReportsIt()
    {
        _host.Services.GetRequiredService<GrpcHealthStatus>().SetStatus("externalscaler.ExternalScaler", GrpcServingStatus.NotServing);

        var response = await _client.CallAsync(GrpcHealthService.CheckMethod, new HealthCheckRequest { Service = "externalscaler.ExternalScaler" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, HealthCheckResponse.Parser.ParseFrom(Assert.Single(response.Messages)).Status);
    }

    [Fact]
    public async Task Watch_StatusChanges_StreamsEachChange()
    {
        var health = _host.Services.GetRequiredService<GrpcHealthStatus>();
        using var cts = new CancellationTokenSource();
        using var response = await _client.StartAsync(GrpcHealthService.WatchMethod, new HealthCheckRequest { Service = "svc" }, cts.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);

        var first = await ReadStatusAsync(stream, cts.Token);
        health.SetStatus("svc", GrpcServingStatus.Serving);
        var second = await ReadStatusAsync(stream, cts.Token);
        health.SetStatus("svc", GrpcServingStatus.NotServing);
        var third = await ReadStatusAsync(stream, cts.Token);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.ServiceUnknown, first);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, second);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, third);
        await cts.CancelAsync();
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> ReadStatusAsync(Stream stream, CancellationToken cancellationToken)
        => HealthCheckResponse.Parser.ParseFrom(await GrpcTestClient.ReadFrameAsync(stream, cancellationToken)).Status;
}
