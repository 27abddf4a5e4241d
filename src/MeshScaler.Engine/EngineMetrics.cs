using MeshScaler.Core;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace MeshScaler.Engine;

/// <summary>
/// The Engine's series on the host's prometheus-net registry: upstream requests by cluster, kind and outcome; subjects
/// tracked; the current backlog, inflow, desired replicas and activity of every tracked target; and subscriptions asked
/// about that do not exist yet.
/// </summary>
/// <remarks>
/// The per-target and missing-subscription series are set from the store just before each scrape (a before-collect
/// callback), and a series whose target or subscription is no longer tracked is removed in the same pass: an evicted
/// target's series disappear at the next scrape and are never re-exported with a stale value, and nothing is cached
/// between scrapes. A target whose data is older than MaxStaleness (an outage) is not shown: missing data is never
/// shown as current. At most <see cref="MaxTargetSeries"/> targets, and as many missing subscriptions, are exported
/// per gauge (the host's trigger cache holds as many triggers); the rest are left out with a Warning, so a flood of
/// distinct triggers cannot grow the scrape without bound.
/// </remarks>
public sealed partial class EngineMetrics
{
    /// <summary>The default bound on per-target series per gauge: the host's trigger cache holds as many triggers.</summary>
    public const int DefaultMaxTargetSeries = 10_000;

    private static readonly string[] SignalLabels = ["cluster", "metric", "mode", "subscription", "target"];
    private static readonly string[] MissingLabels = ["cluster", "subscription", "topic"];
    private static readonly string[] RunnerLabels = ["namespace", "kind", "function"];

    private readonly Counter _upstreamRequests;
    private readonly Gauge _subjects;
    private readonly Gauge _backlog;
    private readonly Gauge _inflow;
    private readonly Gauge _desired;
    private readonly Gauge _active;
    private readonly Gauge _missing;
    private readonly Gauge _runnerPods;
    private readonly Gauge _runnerFailed;
    private readonly Gauge _runnerProcessed;
    private readonly Gauge _runnerReceived;
    private readonly Gauge _runnerUserExceptions;
    private readonly Gauge _runnerSystemExceptions;
    private readonly Gauge _runnerLatency;
    private readonly Gauge _runnerPerReplica;
    private readonly Counter _runnerResets;
    private Dictionary<FunctionRef, (string[] Labels, DateTimeOffset Counted)> _exportedRunners = [];
    private bool _runnersOverflowing;
    private readonly ILogger _logger;
    private readonly Lock _refreshGate = new();
    private Dictionary<string, string[]> _exportedTargets = new(StringComparer.Ordinal);
    private Dictionary<(string, TopicName, string), string[]> _exportedMissing = [];
    private bool _targetsOverflowing;
    private bool _missingOverflowing;
    private SignalStore? _store;

    /// <param name="registry">The host's registry, scraped at <c>/metrics</c>; one per host, so two hosts in one process never share series.</param>
    /// <param name="logger">Where the one overflow Warning goes.</param>
    /// <param name="maxTargetSeries">Most targets exported per per-target gauge; at least 1.</param>
    public EngineMetrics(CollectorRegistry registry, ILogger<EngineMetrics> logger, int maxTargetSeries = DefaultMaxTargetSeries)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTargetSeries, 1);
        MaxTargetSeries = maxTargetSeries;
        _logger = logger;
        var factory = MetricFactories.For(registry);
        _upstreamRequests = factory.CreateCounter(
            "meshscaler_upstream_requests_total",
            "Upstream fetches (polls, cold requests and metric-read refreshes), by cluster, kind and outcome.",
            ["cluster", "kind", "outcome"]);
        _subjects = factory.CreateGauge("meshscaler_subjects", "Subjects being polled or served, by kind.", ["kind"]);
        _backlog = factory.CreateGauge("meshscaler_signal_backlog", "Subscription backlog (entries) per tracked target.", SignalLabels);
        _inflow = factory.CreateGauge("meshscaler_signal_inflow_rate", "Inflow (msg/s) per tracked target.", SignalLabels);
        _desired = factory.CreateGauge("meshscaler_signal_desired_replicas", "Replicas the signal calls for, per tracked target.", SignalLabels);
        _active = factory.CreateGauge("meshscaler_signal_active", "1 when the target is active, per tracked target.", SignalLabels);
        _missing = factory.CreateGauge(
            "meshscaler_subscription_missing", "1 per (topic, subscription) asked about whose subscription does not exist yet.", MissingLabels);
        _runnerPods = factory.CreateGauge("meshscaler_runner_pods", "Runner pods scraped in the last round, per Function.", RunnerLabels);
        _runnerFailed = factory.CreateGauge("meshscaler_runner_pods_failed", "Runner pods whose scrape failed in the last round, per Function.", RunnerLabels);
        _runnerProcessed = factory.CreateGauge("meshscaler_runner_processed_rate", "Messages processed per second by all runner pods (written, for connectors), per Function.", RunnerLabels);
        _runnerReceived = factory.CreateGauge("meshscaler_runner_received_rate", "Messages received per second by all runner pods, per Function.", RunnerLabels);
        _runnerUserExceptions = factory.CreateGauge("meshscaler_runner_user_exceptions_rate", "User (or sink/source) exceptions per second, per Function.", RunnerLabels);
        _runnerSystemExceptions = factory.CreateGauge("meshscaler_runner_system_exceptions_rate", "System exceptions per second, per Function.", RunnerLabels);
        _runnerLatency = factory.CreateGauge("meshscaler_runner_process_latency_ms", "Mean process latency (ms) over the last interval, from the runners' summary sum over count, per Function.", RunnerLabels);
        _runnerPerReplica = factory.CreateGauge("meshscaler_runner_per_replica_rate", "Messages one runner pod processed per second in the last interval (the mean over the pods that answered), per Function.", RunnerLabels);
        _runnerResets = factory.CreateCounter("meshscaler_runner_counter_resets_total", "Scrape rounds in which a runner pod's counters went down (it restarted), per Function.", RunnerLabels);
        registry.AddBeforeCollectCallback(Refresh);
    }

    /// <summary>Most targets exported per per-target gauge.</summary>
    public int MaxTargetSeries { get; }

    internal void Attach(SignalStore store) => _store = store;

    internal void UpstreamRequest(string cluster, string kind, string outcome) =>
        _upstreamRequests.WithLabels([cluster, kind, outcome]).Inc();

    internal static string Outcome(ScalingErrorKind kind) => kind switch
    {
        ScalingErrorKind.NotFound => "not_found",
        ScalingErrorKind.PermissionDenied => "permission_denied",
        ScalingErrorKind.Unauthenticated => "unauthenticated",
        ScalingErrorKind.InvalidArgument => "invalid_argument",
        _ => "unavailable",
    };

    /// <summary>Sets every store-derived series from the store as it is now, and removes the ones it no longer has.</summary>
    private void Refresh()
    {
        if (_store is not { } store)
        {
            return;
        }

        // Concurrent scrapes each run this callback; one pass at a time keeps the removal sweep consistent.
        lock (_refreshGate)
        {
            _subjects.WithLabels(["topic"]).Set(store.TopicSubjectCount);
            _subjects.WithLabels(["namespace"]).Set(store.NamespaceSubjectCount);
            _subjects.WithLabels(["target"]).Set(store.TargetCount);
            _subjects.WithLabels(["runner"]).Set(store.RunnerSubjectCount);
            RefreshTargets(store);
            RefreshMissing(store);
            RefreshRunners(store);
        }
    }

    private void RefreshTargets(SignalStore store)
    {
        var servable = new List<(TargetState State, ScalingSignal Signal)>();
        foreach (var state in store.Targets)
        {
            if (store.ServableSignal(state) is { } signal)
            {
                servable.Add((state, signal));
            }
        }

        // Over the bound, the series already exported keep their place (then by id), so a scrape never flickers
        // between subsets of the targets.
        var exported = Bounded(servable, t => t.State.Id, t => _exportedTargets.ContainsKey(t.State.Id), "targets", ref _targetsOverflowing);
        var current = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (state, signal) in exported)
        {
            var labels = _exportedTargets.TryGetValue(state.Id, out var known) ? known : TargetLabels(state);
            current[state.Id] = labels;
            _backlog.WithLabels(labels).Set(signal.Backlog);
            _inflow.WithLabels(labels).Set(signal.InflowRate);
            _desired.WithLabels(labels).Set(signal.DesiredReplicas);
            _active.WithLabels(labels).Set(signal.IsActive ? 1 : 0);
        }

        foreach (var (id, labels) in _exportedTargets)
        {
            if (!current.ContainsKey(id))
            {
                _backlog.RemoveLabelled(labels);
                _inflow.RemoveLabelled(labels);
                _desired.RemoveLabelled(labels);
                _active.RemoveLabelled(labels);
            }
        }

        _exportedTargets = current;
    }

    private void RefreshMissing(SignalStore store)
    {
        var missing = Bounded(
            [.. store.MissingSubscriptions], k => $"{k.Cluster}|{k.Topic.FullName}|{k.Subscription}", _exportedMissing.ContainsKey, "missing subscriptions", ref _missingOverflowing);
        var current = new Dictionary<(string, TopicName, string), string[]>();
        foreach (var key in missing)
        {
            var labels = _exportedMissing.TryGetValue(key, out var known) ? known : [key.Cluster, key.Subscription, key.Topic.FullName];
            current[key] = labels;
            _missing.WithLabels(labels).Set(1);
        }

        foreach (var (key, labels) in _exportedMissing)
        {
            if (!current.ContainsKey(key))
            {
                _missing.RemoveLabelled(labels);
            }
        }

        _exportedMissing = current;
    }

    /// <summary>
    /// Per Function, from its latest runner round while within MaxStaleness. A rate that is unknown (a pod failed, no
    /// second round yet) is left out rather than shown as 0; the pod counts always are.
    /// </summary>
    private void RefreshRunners(SignalStore store)
    {
        var rounds = Bounded([.. store.RunnerObservations], r => r.Function.ToString(), r => _exportedRunners.ContainsKey(r.Function), "runner Functions", ref _runnersOverflowing);
        var current = new Dictionary<FunctionRef, (string[], DateTimeOffset)>();
        foreach (var (function, round) in rounds)
        {
            var (labels, counted) = _exportedRunners.TryGetValue(function, out var known)
                ? known
                : ([function.Namespace, function.Kind.ToString(), function.Name], DateTimeOffset.MinValue);
            _runnerPods.WithLabels(labels).Set(round.Pods.Count);
            _runnerFailed.WithLabels(labels).Set(round.Failed);
            SetOrRemove(_runnerProcessed, labels, round.ProcessedPerSecond);
            SetOrRemove(_runnerReceived, labels, round.ReceivedPerSecond);
            SetOrRemove(_runnerUserExceptions, labels, round.UserExceptionsPerSecond);
            SetOrRemove(_runnerSystemExceptions, labels, round.SystemExceptionsPerSecond);
            SetOrRemove(_runnerLatency, labels, round.MeanLatencyMs);
            SetOrRemove(_runnerPerReplica, labels, round.PerReplicaRate);

            // Each round is counted once, however many scrapes of /metrics see it.
            var resets = _runnerResets.WithLabels(labels);
            if (round.FetchedAt > counted && round.CounterReset)
            {
                resets.Inc();
            }

            current[function] = (labels, round.FetchedAt > counted ? round.FetchedAt : counted);
        }

        foreach (var (function, (labels, _)) in _exportedRunners)
        {
            if (!current.ContainsKey(function))
            {
                foreach (var gauge in (Gauge[])[_runnerPods, _runnerFailed, _runnerProcessed, _runnerReceived, _runnerUserExceptions, _runnerSystemExceptions, _runnerLatency, _runnerPerReplica])
                {
                    gauge.RemoveLabelled(labels);
                }

                _runnerResets.RemoveLabelled(labels);
            }
        }

        _exportedRunners = current;
    }

    private static void SetOrRemove(Gauge gauge, string[] labels, double? value)
    {
        if (value is { } known)
        {
            gauge.WithLabels(labels).Set(known);
        }
        else
        {
            gauge.RemoveLabelled(labels);
        }
    }

    /// <summary>
    /// At most <see cref="MaxTargetSeries"/> items: those already exported first, then by id. One Warning each time the
    /// items go over the bound.
    /// </summary>
    private List<T> Bounded<T>(List<T> items, Func<T, string> id, Func<T, bool> exported, string what, ref bool overflowing)
    {
        if (items.Count <= MaxTargetSeries)
        {
            overflowing = false;
            return items;
        }

        if (!overflowing)
        {
            overflowing = true;
            LogSeriesOverflow(_logger, MaxTargetSeries, what);
        }

        return [.. items.OrderBy(i => exported(i) ? 0 : 1).ThenBy(id, StringComparer.Ordinal).Take(MaxTargetSeries)];
    }

    private static string[] TargetLabels(TargetState state) =>
    [
        state.Cluster.Name,
        state.Target.MetricName,
        state.Target.Mode == ScalingMode.Backlog ? "backlog" : "capacity",
        state.Target.Subscription,
        state.Id,
    ];

    [LoggerMessage(EventId = 3060, Level = LogLevel.Warning,
        Message = "More than {Max} {What} are tracked: /metrics exports the series of {Max} of them only")]
    private static partial void LogSeriesOverflow(ILogger logger, int max, string what);
}
