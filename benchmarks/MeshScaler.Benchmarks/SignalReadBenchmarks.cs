using BenchmarkDotNet.Attributes;
using MeshScaler.Core;
using MeshScaler.Engine;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MeshScaler.Benchmarks;

/// <summary>
/// The Engine's share of every GetMetrics and IsActive: a warm target read from the shared cache (no upstream call: the
/// clock stands still, so the data is always fresh). What a call costs the host beyond the gRPC library.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SignalReadBenchmarks
{
    private static readonly TopicName Topic = new("public", "default", "orders-in");

    private SignalStore _store = null!;
    private ScaleTarget _backlog = null!;
    private ScaleTarget _capacity = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var stats = new TopicStats(412.35, 0, new Dictionary<string, SubscriptionStats>
        {
            ["public/default/order-enricher"] = new(1526, 380.01, 2, 4, "Shared"),
        });
        _store = new SignalStore(
            new StaticAdmin(stats),
            new StaticCluster(),
            Options.Create(new SignalStoreOptions()),
            new StoppedClock(),
            NullLogger<SignalStore>.Instance,
            new EngineMetrics(global::Prometheus.Metrics.NewCustomRegistry(), NullLogger<EngineMetrics>.Instance));
        _backlog = Target("backlog");
        _capacity = Target("capacity");
        await _store.GetMetricAsync(_backlog, default);
        await _store.GetMetricAsync(_capacity, default);
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark]
    public Task<ScalingSignal> GetMetric_Backlog() => _store.GetMetricAsync(_backlog, default);

    [Benchmark]
    public Task<ScalingSignal> GetMetric_Capacity() => _store.GetMetricAsync(_capacity, default);

    private static ScaleTarget Target(string mode) => TriggerMetadata.Parse(new Dictionary<string, string>
    {
        ["pulsarCluster"] = "bench",
        ["topic"] = Topic.FullName,
        ["subscription"] = "public/default/order-enricher",
        ["scalingMode"] = mode,
    }).Target!;

    private sealed class StaticAdmin(TopicStats stats) : IPulsarAdmin
    {
        public Task<int> GetPartitionCountAsync(PulsarClusterRef cluster, TopicName topic, CancellationToken cancellationToken) => Task.FromResult(0);

        public Task<TopicStats> GetTopicStatsAsync(PulsarClusterRef cluster, TopicName topic, int partitions, CancellationToken cancellationToken) =>
            Task.FromResult(stats);

        public Task<IReadOnlyDictionary<TopicName, int>> ListTopicsAsync(PulsarClusterRef cluster, string tenant, string @namespace, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<TopicName, int>>(new Dictionary<TopicName, int> { [Topic] = 0 });
    }

    private sealed class StaticCluster : IPulsarClusterResolver
    {
        private readonly PulsarClusterRef _cluster = new("bench", new Uri("http://pulsar:8080"));

        public PulsarClusterRef Resolve(Uri? adminUrl, string? clusterName) => _cluster;
    }

    private sealed class StoppedClock : TimeProvider
    {
        private readonly DateTimeOffset _now = DateTimeOffset.UnixEpoch.AddDays(20_000);

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
