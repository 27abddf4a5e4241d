using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MeshScaler.Keda;

/// <summary>RPC instruments (meter <c>MeshScaler.Host</c>): calls and latency by method and status, open streams.</summary>
internal sealed class HostMetrics : IDisposable
{
    public const string MeterName = "MeshScaler.Host";

    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _openStreams;

    public HostMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _calls = _meter.CreateCounter<long>("meshscaler.rpc.requests", description: "gRPC calls handled, by method and status.");
        _duration = _meter.CreateHistogram(
            "meshscaler.rpc.duration",
            unit: "s",
            description: "gRPC call latency (for streams: until the first message), by method and status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _openStreams = _meter.CreateUpDownCounter<long>("meshscaler.rpc.open_streams", description: "Open StreamIsActive streams.");
    }

    public void Record(string method, string status, TimeSpan elapsed)
    {
        var tags = new TagList { { "method", method }, { "status", status } };
        _calls.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    public void StreamOpened() => _openStreams.Add(1);

    public void StreamClosed() => _openStreams.Add(-1);

    public void Dispose() => _meter.Dispose();
}
