using System.Collections.Concurrent;
using MeshScaler.Engine;
using Prometheus;

namespace MeshScaler.Keda;

/// <summary>
/// The RPC series on the host's prometheus-net registry: calls and latency by method and status, and open
/// StreamIsActive streams.
/// </summary>
internal sealed class HostMetrics
{
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter _calls;
    private readonly Histogram _duration;
    private readonly Gauge _openStreams;

    // The label pairs are few (the service's methods, "unknown", 17 statuses): each call finds its children here
    // without building a label array.
    private readonly ConcurrentDictionary<(string Method, string Status), (Counter.Child Calls, Histogram.Child Duration)> _children = new();

    public HostMetrics(CollectorRegistry registry)
    {
        var factory = MetricFactories.For(registry);
        _calls = factory.CreateCounter("meshscaler_rpc_requests_total", "gRPC calls handled, by method and status.", ["method", "status"]);
        _duration = factory.CreateHistogram(
            "meshscaler_rpc_duration_seconds",
            "gRPC call latency in seconds (for streams: until the first message), by method and status.",
            new HistogramConfiguration { LabelNames = ["method", "status"], Buckets = LatencyBuckets });
        _openStreams = factory.CreateGauge("meshscaler_rpc_open_streams", "Open StreamIsActive streams.");
    }

    public void Record(string method, string status, TimeSpan elapsed)
    {
        var (calls, duration) = _children.GetOrAdd(
            (method, status), static (key, self) => (self._calls.WithLabels(key.Method, key.Status), self._duration.WithLabels(key.Method, key.Status)), this);
        calls.Inc();
        duration.Observe(elapsed.TotalSeconds);
    }

    public void StreamOpened() => _openStreams.Inc();

    public void StreamClosed() => _openStreams.Dec();
}
