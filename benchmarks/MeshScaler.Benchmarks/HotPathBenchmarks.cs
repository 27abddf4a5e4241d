using BenchmarkDotNet.Attributes;
using MeshScaler.Core;

namespace MeshScaler.Benchmarks;

/// <summary>The per-call work of a GetMetrics: parse trigger metadata (cached in the host) and compute a signal.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class HotPathBenchmarks
{
    private readonly Dictionary<string, string> _metadata = new()
    {
        ["scalerAddress"] = "meshscaler:9090",
        ["adminURL"] = "http://pulsar-broker:8080",
        ["topic"] = "persistent://public/default/orders-in",
        ["subscription"] = "public/default/order-enricher",
        ["msgBacklogThreshold"] = "100",
        ["scalingMode"] = "capacity",
    };

    private ScaleTarget _target = null!;
    private TopicObservation[] _observations = null!;

    [GlobalSetup]
    public void Setup()
    {
        _target = TriggerMetadata.Parse(_metadata).Target!;
        var stats = new TopicStats(412.35, 0, new Dictionary<string, SubscriptionStats>
        {
            ["public/default/order-enricher"] = new(1526, 380.01, 2, 4, "Shared"),
        });
        _observations = [new TopicObservation(new TopicName("public", "default", "orders-in"), stats, DateTimeOffset.UnixEpoch)];
    }

    [Benchmark]
    public MetadataParseResult ParseMetadata() => TriggerMetadata.Parse(_metadata);

    [Benchmark]
    public ScalingSignal ComputeSignal() => SignalCalculator.Compute(_target, _observations, 190);
}
