namespace MeshScaler.Core;

/// <summary>
/// One runner pod's cumulative counters from one scrape, as the runner exposes them (per instance since it started).
/// A counter the exposition did not carry is null: missing data is never a zero.
/// </summary>
/// <param name="Pod">The pod's name.</param>
/// <param name="InstanceId">The <c>instance_id</c> label: the StatefulSet ordinal under Function Mesh.</param>
/// <param name="Received">Messages received from the input (<c>…_received_total</c>).</param>
/// <param name="Processed">Messages processed successfully (functions) or written (sinks and sources).</param>
/// <param name="UserExceptions">User (or sink/source) exceptions.</param>
/// <param name="SystemExceptions">System exceptions.</param>
/// <param name="LatencySumMs">The process-latency summary's <c>_sum</c>, milliseconds (functions only).</param>
/// <param name="LatencyCount">The process-latency summary's <c>_count</c> (functions only).</param>
/// <param name="ScrapedAt">When the scrape was answered.</param>
public sealed record RunnerSample(
    string Pod,
    string InstanceId,
    double? Received,
    double? Processed,
    double? UserExceptions,
    double? SystemExceptions,
    double? LatencySumMs,
    double? LatencyCount,
    DateTimeOffset ScrapedAt);
