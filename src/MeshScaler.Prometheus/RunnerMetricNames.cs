using MeshScaler.Core;

namespace MeshScaler.Prometheus;

/// <summary>
/// The cumulative runner series MeshScaler reads, per component kind. These names are the same on every runner
/// (Java before and after Pulsar 2.11, Python, Go): what changed in 2.11 is the one-minute series
/// (<c>…_total_1min</c> became <c>…_1min_total</c>), which are counts for the current minute, reset every 60 s, and so
/// are never read as counters. Exact names keep either spelling from being mistaken for a cumulative counter.
/// </summary>
internal sealed record RunnerMetricNames(string Prefix, string Received, string Processed, string UserExceptions, string SystemExceptions, string? LatencySum, string? LatencyCount)
{
    public static RunnerMetricNames Function { get; } = new(
        "pulsar_function_",
        "pulsar_function_received_total",
        "pulsar_function_processed_successfully_total",
        "pulsar_function_user_exceptions_total",
        "pulsar_function_system_exceptions_total",
        "pulsar_function_process_latency_ms_sum",
        "pulsar_function_process_latency_ms_count");

    /// <summary>For connectors "processed" means written, and the user exceptions are the sink's own.</summary>
    public static RunnerMetricNames Sink { get; } = new(
        "pulsar_sink_",
        "pulsar_sink_received_total",
        "pulsar_sink_written_total",
        "pulsar_sink_sink_exceptions_total",
        "pulsar_sink_system_exceptions_total",
        null,
        null);

    public static RunnerMetricNames Source { get; } = new(
        "pulsar_source_",
        "pulsar_source_received_total",
        "pulsar_source_written_total",
        "pulsar_source_source_exceptions_total",
        "pulsar_source_system_exceptions_total",
        null,
        null);

    public static RunnerMetricNames For(ComponentKind kind) => kind switch
    {
        ComponentKind.Sink => Sink,
        ComponentKind.Source => Source,
        _ => Function,
    };

    /// <summary>Whether a sample is one of these (the parser allocates only for those).</summary>
    public bool Wants(string name) =>
        name == Received || name == Processed || name == UserExceptions || name == SystemExceptions || name == LatencySum || name == LatencyCount;
}
