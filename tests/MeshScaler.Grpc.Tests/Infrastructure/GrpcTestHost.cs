using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Grpc.Tests.Infrastructure;

/// <summary>A real Kestrel on 127.0.0.1 with a gRPC listener (test methods + health) and a plain ops listener.</summary>
internal sealed class GrpcTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcTestHost(WebApplication app, TestLoggerProvider logs, CallProbe probe, int grpcPort, int opsPort)
    {
        _app = app;
        Logs = logs;
        Probe = probe;
        GrpcPort = grpcPort;
        OpsPort = opsPort;
    }

    public TestLoggerProvider Logs { get; }

    public CallProbe Probe { get; }

    public int GrpcPort { get; }

    public int OpsPort { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<GrpcTestHost> StartAsync(
        GrpcTlsOptions? tls = null, Action<GrpcServerOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var logs = new TestLoggerProvider();
        var probe = new CallProbe();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        builder.Services.AddGrpcServer(configure).AddMethods((registry, _) => TestMethods.Register(registry, probe));

        ListenOptions? grpc = null;
        ListenOptions? ops = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            grpc = kestrel.ListenGrpc(IPAddress.Loopback, 0, tls);
            kestrel.Listen(IPAddress.Loopback, 0, listen => ops = listen);
        });

        var app = builder.Build();
        app.UseGrpcServer();
        app.MapGet("/healthz", () => "ops ok");
        app.MapPost("/test.Echo/Unary", () => Results.Text("not grpc"));
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new GrpcTestHost(app, logs, probe, grpc!.IPEndPoint!.Port, ops!.IPEndPoint!.Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }
}
