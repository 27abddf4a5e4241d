using k8s;
using MeshScaler.Emulation.Kubernetes;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshScaler.Kubernetes.Tests;

/// <summary>The fake API server, MeshScaler's caches watching it over real HTTP, and the directory on top.</summary>
internal sealed class FakeCluster : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly k8s.Kubernetes _client;

    private FakeCluster(FakeKubernetesApiServer server, KubernetesOptions options)
    {
        Server = server;
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.BaseAddress.ToString() });
        Caches = new FunctionMeshCaches(_client, options, TimeProvider.System, NullLoggerFactory.Instance);
        Directory = new FunctionMeshDirectory(Caches, options);
        _running = Caches.RunAsync(_stop.Token);
    }

    public FakeKubernetesApiServer Server { get; }

    public FunctionMeshCaches Caches { get; }

    public FunctionMeshDirectory Directory { get; }

    public static async Task<FakeCluster> StartAsync(Action<FakeKubernetesApiServer>? seed = null, Action<KubernetesOptions>? configure = null)
    {
        var server = await FakeKubernetesApiServer.StartAsync();
        seed?.Invoke(server);
        var options = new KubernetesOptions { MinBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(200) };
        configure?.Invoke(options);
        var cluster = new FakeCluster(server, options);
        // Every kind listed (or refused): a test that reads a Function's ConfigMap must not race its first list.
        static bool Settled<T>(InformerSet<T> set)
            where T : class => set.Informers.All(i => i.Synced || i.Error is not null);
        var caches = cluster.Caches;
        await cluster.UntilAsync(
            () => Settled(caches.Functions) && Settled(caches.Sinks) && Settled(caches.Sources) && Settled(caches.Meshes) && Settled(caches.ConfigMaps) && Settled(caches.Pods),
            "every kind's first list");
        return cluster;
    }

    /// <summary>Waits for a condition the watch makes true; fails naming it after 10 s.</summary>
    public async Task UntilAsync(Func<bool> condition, string? what = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what ?? "the condition"}");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Server.DisposeAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
        }

        _client.Dispose();
        _stop.Dispose();
    }
}
