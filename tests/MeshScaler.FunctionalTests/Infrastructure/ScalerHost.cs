using System.Security.Cryptography.X509Certificates;
using MeshScaler.Emulation.Kubernetes;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshScaler.FunctionalTests.Infrastructure;

/// <summary>
/// The real MeshScaler host on 127.0.0.1 (ports 0) against a real Pulsar admin emulator, with captured logs.
/// Disposing fails the test if an unexpected Error was logged.
/// </summary>
internal sealed class ScalerHost : IAsyncDisposable
{
    public const string Cluster = "emulator";

    private ScalerHost(WebApplication app, PulsarAdminEmulator emulator, FakeKubernetesApiServer kubernetes, EmulatedRunnerPods runners, TestLoggerProvider logs, X509Certificate2? tls)
    {
        App = app;
        Emulator = emulator;
        Kubernetes = kubernetes;
        Runners = runners;
        Logs = logs;
        var endpoints = app.Services.GetRequiredService<ListenerEndpoints>();
        Grpc = new GrpcTestClient(endpoints.GrpcPort, tls);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{endpoints.HttpPort}") };
        GrpcPort = endpoints.GrpcPort;
    }

    public WebApplication App { get; }

    public PulsarAdminEmulator Emulator { get; }

    /// <summary>The fake API server the host watches (<c>MeshScaler:Kubernetes:Server</c>); empty until a test applies objects.</summary>
    public FakeKubernetesApiServer Kubernetes { get; }

    /// <summary>Three emulated runner pods of Function <c>public/default/enricher</c>, for pods a test applies.</summary>
    public EmulatedRunnerPods Runners { get; }

    public TestLoggerProvider Logs { get; }

    public GrpcTestClient Grpc { get; }

    public HttpClient Http { get; }

    public int GrpcPort { get; }

    /// <summary>Log entries (by event id) a test expects at Error level; anything else at Error fails the test.</summary>
    public HashSet<int> ExpectedErrors { get; } = [];

    public string AdminUrl => Emulator.BaseAddress.ToString().TrimEnd('/');

    /// <param name="tls">The server certificate the client trusts, when the settings turn TLS on.</param>
    public static async Task<ScalerHost> StartAsync(Action<Dictionary<string, string?>, Uri>? configure = null, X509Certificate2? tls = null)
    {
        var emulator = await PulsarAdminEmulator.StartAsync();
        var kubernetes = await FakeKubernetesApiServer.StartAsync();
        var runners = await EmulatedRunnerPods.StartAsync(3, "public/default/enricher");
        var logs = new TestLoggerProvider();
        var settings = new Dictionary<string, string?>
        {
            ["MeshScaler:Grpc:Port"] = "0",
            ["MeshScaler:Grpc:Address"] = "127.0.0.1",
            ["MeshScaler:Http:Port"] = "0",
            ["MeshScaler:Http:Address"] = "127.0.0.1",
            ["MeshScaler:Pulsar:PollInterval"] = "00:00:00.200",
            ["MeshScaler:Pulsar:MaxStaleness"] = "00:00:30",
            ["MeshScaler:Pulsar:RequestTimeout"] = "00:00:01",
            [$"MeshScaler:Pulsar:Clusters:{Cluster}:AdminUrl"] = emulator.BaseAddress.ToString().TrimEnd('/'),
            ["MeshScaler:Kubernetes:Server"] = kubernetes.BaseAddress.ToString(),
        };
        configure?.Invoke(settings, emulator.BaseAddress);
        try
        {
            var app = MeshScalerApp.Build([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Logging.ClearProviders();
                builder.Logging.SetMinimumLevel(LogLevel.Debug);
                builder.Logging.AddProvider(logs);
            });
            await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return new ScalerHost(app, emulator, kubernetes, runners, logs, tls);
        }
        catch
        {
            await emulator.DisposeAsync();
            await kubernetes.DisposeAsync();
            await runners.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Grpc.Dispose();
        Http.Dispose();
        await App.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await App.DisposeAsync();
        await Emulator.DisposeAsync();
        await Kubernetes.DisposeAsync();
        await Runners.DisposeAsync();
        var unexpected = Logs.Errors.Where(e => !ExpectedErrors.Contains(e.EventId.Id)).ToList();
        Assert.True(unexpected.Count == 0, "unexpected Error logs: " + string.Join(" | ", unexpected.Select(e => $"{e.Category}[{e.EventId.Id}] {e.Message} {e.Exception}")));
    }
}
