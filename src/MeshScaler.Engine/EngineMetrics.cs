using System.Diagnostics.Metrics;
using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>
/// The Engine's instruments (meter <c>MeshScaler.Engine</c>): upstream requests by cluster, kind and outcome; subjects
/// tracked; and the current backlog, inflow, desired replicas and activity of every tracked target.
/// </summary>
public sealed class EngineMetrics : IDisposable
{
    public const string MeterName = "MeshScaler.Engine";

    private readonly Meter _meter;
    private readonly Counter<long> _upstreamRequests;
    private SignalStore? _store;

    public EngineMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _upstreamRequests = _meter.CreateCounter<long>(
            "meshscaler.upstream.requests", description: "Upstream fetches (polls, cold requests and metric-read refreshes), by cluster, kind and outcome.");
        _meter.CreateObservableGauge("meshscaler.subjects", ObserveSubjects, description: "Subjects being polled or served, by kind.");
        _meter.CreateObservableGauge("meshscaler.signal.backlog", () => ObserveSignals(s => s.Backlog), description: "Subscription backlog (entries) per tracked target.");
        _meter.CreateObservableGauge("meshscaler.signal.inflow_rate", () => ObserveSignals(s => s.InflowRate), description: "Inflow (msg/s) per tracked target.");
        _meter.CreateObservableGauge("meshscaler.signal.desired_replicas", () => ObserveSignals(s => s.DesiredReplicas), description: "Replicas the signal calls for, per tracked target.");
        _meter.CreateObservableGauge("meshscaler.signal.active", () => ObserveSignals(s => s.IsActive ? 1 : 0), description: "1 when the target is active, per tracked target.");
        _meter.CreateObservableGauge("meshscaler.subscription.missing", ObserveMissing, description: "1 per (topic, subscription) asked about whose subscription does not exist yet.");
    }

    internal void Attach(SignalStore store) => _store = store;

    internal void UpstreamRequest(string cluster, string kind, string outcome) =>
        _upstreamRequests.Add(1, new("cluster", cluster), new("kind", kind), new("outcome", outcome));

    internal static string Outcome(ScalingErrorKind kind) => kind switch
    {
        ScalingErrorKind.NotFound => "not_found",
        ScalingErrorKind.PermissionDenied => "permission_denied",
        ScalingErrorKind.Unauthenticated => "unauthenticated",
        ScalingErrorKind.InvalidArgument => "invalid_argument",
        _ => "unavailable",
    };

    private IEnumerable<Measurement<long>> ObserveSubjects()
    {
        if (_store is not { } store)
        {
            yield break;
        }

        yield return new(store.TopicSubjectCount, new KeyValuePair<string, object?>("kind", "topic"));
        yield return new(store.NamespaceSubjectCount, new KeyValuePair<string, object?>("kind", "namespace"));
        yield return new(store.TargetCount, new KeyValuePair<string, object?>("kind", "target"));
    }

    private IEnumerable<Measurement<double>> ObserveSignals(Func<ScalingSignal, double> select)
    {
        if (_store is not { } store)
        {
            yield break;
        }

        foreach (var state in store.Targets)
        {
            if (state.LastSignal is { } signal)
            {
                yield return new(
                    select(signal),
                    new("metric", state.Target.MetricName),
                    new("target", state.Id),
                    new("cluster", state.Cluster.Name),
                    new("subscription", state.Target.Subscription),
                    new("mode", state.Target.Mode == ScalingMode.Backlog ? "backlog" : "capacity"));
            }
        }
    }

    private IEnumerable<Measurement<long>> ObserveMissing()
    {
        if (_store is not { } store)
        {
            yield break;
        }

        foreach (var (cluster, topic, subscription) in store.MissingSubscriptions)
        {
            yield return new(1, new("cluster", cluster), new("topic", topic.FullName), new("subscription", subscription));
        }
    }

    public void Dispose() => _meter.Dispose();
}
