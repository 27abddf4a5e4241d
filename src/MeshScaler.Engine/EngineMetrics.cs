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

    private readonly Counter _upstreamRequests;
    private readonly Gauge _subjects;
    private readonly Gauge _backlog;
    private readonly Gauge _inflow;
    private readonly Gauge _desired;
    private readonly Gauge _active;
    private readonly Gauge _missing;
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
            RefreshTargets(store);
            RefreshMissing(store);
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
