using MeshScaler.Core;

namespace MeshScaler.MetricsApi;

/// <summary>What an Object metric on a Function Mesh resource reads: the subscription's signal or the runner pods' round.</summary>
internal enum ObjectMetricSource
{
    Backlog,
    Inflow,
    OutRate,
    ReplicasNeeded,
    BacklogAge,
    Processed,
    Received,
}

/// <summary>
/// One metric served on <c>functions</c>, <c>sinks</c> and <c>sources</c> of <c>compute.functionmesh.io</c>. Names are
/// the ones Pulsar users already scale on: broker series (<c>pulsar_subscription_back_log</c>, <c>pulsar_rate_in</c>,
/// <c>pulsar_subscription_msg_rate_out</c>) and runner counters as prometheus-adapter's default rule serves them, as a
/// per-second rate named without <c>_total</c> (<c>pulsar_function_processed_successfully</c>). Each name is one
/// fixed string: the mapping from what is served to its name is a table, injective by construction (tested).
/// </summary>
internal sealed record ObjectMetric(string Name, ObjectMetricSource Source, bool IsRate, string Meaning)
{
    public const string Group = "compute.functionmesh.io";

    /// <summary>The resources served, as the HPA names them (<c>GroupResource().String()</c>), and their kinds.</summary>
    public static IReadOnlyDictionary<string, ComponentKind> Resources { get; } = new Dictionary<string, ComponentKind>(StringComparer.Ordinal)
    {
        [$"functions.{Group}"] = ComponentKind.Function,
        [$"sinks.{Group}"] = ComponentKind.Sink,
        [$"sources.{Group}"] = ComponentKind.Source,
    };

    /// <summary>A FunctionMesh, as the HPA names its resource: no kind of its own, it is what its members add up to.</summary>
    public const string Meshes = $"functionmeshes.{Group}";

    /// <summary>
    /// The metrics of a FunctionMesh: its Functions' and Sinks' subscription signals summed (the messages waiting in, and
    /// flowing through, the whole pipeline). Its Sources have no subscription and add nothing.
    /// </summary>
    public static IReadOnlyList<ObjectMetric> ForMesh { get; } =
    [
        new("pulsar_subscription_back_log", ObjectMetricSource.Backlog, false, "backlog (entries) of its Functions' and Sinks' subscriptions, summed"),
        new("pulsar_rate_in", ObjectMetricSource.Inflow, true, "messages per second into its Functions' and Sinks' input topics, summed"),
        new("pulsar_subscription_msg_rate_out", ObjectMetricSource.OutRate, true, "messages per second their subscriptions dispatch, summed"),
        new("pulsar_subscription_backlog_age_seconds", ObjectMetricSource.BacklogAge, false, "age of the oldest message waiting in any of their backlogs (the largest)"),
    ];

    private static readonly ObjectMetric[] Subscription =
    [
        new("pulsar_subscription_back_log", ObjectMetricSource.Backlog, false, "backlog (entries) of its subscription on its input topics"),
        new("pulsar_rate_in", ObjectMetricSource.Inflow, true, "messages per second into its input topics"),
        new("pulsar_subscription_msg_rate_out", ObjectMetricSource.OutRate, true, "messages per second its subscription dispatches"),
        new("meshscaler_replicas_needed", ObjectMetricSource.ReplicasNeeded, false, "replicas capacity mode calls for, unrounded (target AverageValue 1)"),
        new("pulsar_subscription_backlog_age_seconds", ObjectMetricSource.BacklogAge, false, "seconds since the oldest message in its backlog was published (0 without a backlog)"),
    ];

    /// <summary>Each kind's metrics, built once: looked up on every read.</summary>
    private static readonly Dictionary<ComponentKind, ObjectMetric[]> ByKind = new()
    {
        [ComponentKind.Function] =
        [
            .. Subscription,
            new("pulsar_function_processed_successfully", ObjectMetricSource.Processed, true, "messages per second its runner pods processed successfully"),
            new("pulsar_function_received", ObjectMetricSource.Received, true, "messages per second its runner pods received"),
        ],
        [ComponentKind.Sink] =
        [
            .. Subscription,
            new("pulsar_sink_written", ObjectMetricSource.Processed, true, "records per second its runner pods wrote"),
            new("pulsar_sink_received", ObjectMetricSource.Received, true, "records per second its runner pods received"),
        ],

        // A source reads no Pulsar topic: it has no subscription to measure, only what its runners produce.
        [ComponentKind.Source] =
        [
            new("pulsar_source_written", ObjectMetricSource.Processed, true, "records per second its runner pods wrote to Pulsar"),
            new("pulsar_source_received", ObjectMetricSource.Received, true, "records per second its runner pods read from the source system"),
        ],
    };

    /// <summary>Each kind's metrics by name (ordinal: a request's name is looked up on every read).</summary>
    private static readonly Dictionary<ComponentKind, Dictionary<string, ObjectMetric>> ByName =
        ByKind.ToDictionary(k => k.Key, k => k.Value.ToDictionary(m => m.Name, StringComparer.Ordinal));

    private static readonly Dictionary<ComponentKind, ObjectMetric[]> PodsByKind =
        ByKind.ToDictionary(k => k.Key, k => k.Value.Where(m => m.Source is ObjectMetricSource.Processed or ObjectMetricSource.Received).ToArray());

    /// <summary>The per-pod metrics of <paramref name="kind"/>'s runner pods: its runner rates, one value per pod.</summary>
    public static IReadOnlyList<ObjectMetric> ForPods(ComponentKind kind) => PodsByKind[kind];

    /// <summary>The metrics of <paramref name="kind"/>, in the order discovery lists them.</summary>
    public static IReadOnlyList<ObjectMetric> For(ComponentKind kind) => ByKind[kind];

    /// <summary>The metric <paramref name="name"/> of <paramref name="kind"/>; null when that kind has none of that name.</summary>
    public static ObjectMetric? Find(ComponentKind kind, string name) => ByName[kind].GetValueOrDefault(name);
}
