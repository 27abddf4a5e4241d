namespace MeshScaler.Core;

/// <summary>
/// One trigger's question, parsed once from its metadata: where to look, what to sum and how to turn it into a metric.
/// Immutable; <see cref="Key"/> identifies the question (two ScaledObjects asking the same thing share it).
/// </summary>
public sealed record ScaleTarget
{
    // Keys are asked for on every call (the store's lookups); computed once. The copy constructor clears them so a
    // `with` copy never carries the original's keys.
    private string? _sourceKey;
    private string? _runnerSourceKey;
    private string? _key;
    private double? _maxDrainSeconds;

    public ScaleTarget()
    {
    }

    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    private ScaleTarget(ScaleTarget original)
    {
        AdminUrl = original.AdminUrl;
        ClusterName = original.ClusterName;
        Topics = original.Topics;
        Subscription = original.Subscription;
        IsPartitionedTopic = original.IsPartitionedTopic;
        MsgBacklogThreshold = original.MsgBacklogThreshold;
        ActivationMsgBacklogThreshold = original.ActivationMsgBacklogThreshold;
        ActivationMsgRateThreshold = original.ActivationMsgRateThreshold;
        Mode = original.Mode;
        TargetDrainSeconds = original.TargetDrainSeconds;
        _maxDrainSeconds = original._maxDrainSeconds;
        ReplicaStartupSeconds = original.ReplicaStartupSeconds;
        CatchUpRatio = original.CatchUpRatio;
        MsgRatePerReplica = original.MsgRatePerReplica;
        MetricName = original.MetricName;
        Function = original.Function;
        RunnerMetrics = original.RunnerMetrics;
    }

    /// <summary><c>adminURL</c>, normalized (no trailing slash); null when only <c>pulsarCluster</c> is given.</summary>
    public Uri? AdminUrl { get; init; }

    /// <summary><c>pulsarCluster</c>: a server-side configured cluster name.</summary>
    public string? ClusterName { get; init; }

    public required TopicSelector Topics { get; init; }

    public required string Subscription { get; init; }

    /// <summary><c>isPartitionedTopic</c>; null means detect it from the topic's partition metadata.</summary>
    public bool? IsPartitionedTopic { get; init; }

    /// <summary><c>msgBacklogThreshold</c>, default 10: the backlog one replica is expected to hold.</summary>
    public double MsgBacklogThreshold { get; init; } = MetadataDefaults.MsgBacklogThreshold;

    /// <summary><c>activationMsgBacklogThreshold</c>, default 0: active while backlog is strictly above it.</summary>
    public double ActivationMsgBacklogThreshold { get; init; }

    /// <summary><c>activationMsgRateThreshold</c>: when set, also active while inflow (msg/s) is strictly above it.</summary>
    public double? ActivationMsgRateThreshold { get; init; }

    public ScalingMode Mode { get; init; } = ScalingMode.Backlog;

    /// <summary>
    /// <c>targetDrainSeconds</c>, default 60: capacity mode sizes replicas to drain a backlog within this time of new
    /// replicas starting (a larger backlog: <see cref="CatchUpRatio"/>).
    /// </summary>
    public double TargetDrainSeconds { get; init; } = MetadataDefaults.TargetDrainSeconds;

    /// <summary>
    /// <c>maxDrainSeconds</c>, default 300 (or <see cref="TargetDrainSeconds"/> when longer): capacity mode never drains
    /// a backlog slower than within <see cref="ReplicaStartupSeconds"/> + this, however little flows in.
    /// </summary>
    public double MaxDrainSeconds
    {
        get => _maxDrainSeconds ?? MetadataDefaults.MaxDrainSeconds(TargetDrainSeconds);
        init => _maxDrainSeconds = value;
    }

    /// <summary>
    /// <c>replicaStartupSeconds</c>, default 0: how long a replica takes from being asked for to consuming. Capacity mode
    /// counts the drain time from then.
    /// </summary>
    public double ReplicaStartupSeconds { get; init; } = MetadataDefaults.ReplicaStartupSeconds;

    /// <summary>
    /// <c>catchUpRatio</c>, default 0.5: capacity mode drains a large backlog (more than catchUpRatio × (startup + drain
    /// time) seconds of inflow) with at most this fraction of the inflow rate on top of the inflow.
    /// </summary>
    public double CatchUpRatio { get; init; } = MetadataDefaults.CatchUpRatio;

    /// <summary><c>msgRatePerReplica</c>: messages per second one replica processes; learned when absent.</summary>
    public double? MsgRatePerReplica { get; init; }

    /// <summary><c>function</c> with <c>functionKind</c> and the request's namespace: the resource the target was resolved from.</summary>
    public FunctionRef? Function { get; init; }

    /// <summary><c>runnerMetrics</c>, default auto: read the runner pods' processing rate when <see cref="Function"/> is known.</summary>
    public RunnerMetricsMode RunnerMetrics { get; init; }

    /// <summary>Whether capacity mode reads the runner pods' own metrics.</summary>
    public bool UsesRunnerMetrics => Function is not null && RunnerMetrics != RunnerMetricsMode.Off;

    /// <summary>The metric name served in GetMetricSpec: lowercase, stable, at most 63 characters.</summary>
    public required string MetricName { get; init; }

    /// <summary>The AverageValue target: <see cref="MsgBacklogThreshold"/> in backlog mode, 1 replica in capacity mode.</summary>
    public double MetricTarget => Mode == ScalingMode.Backlog ? MsgBacklogThreshold : 1;

    /// <summary>What is fetched and learned: cluster, topics and subscription (thresholds do not change the data).</summary>
    public string SourceKey => _sourceKey ??= $"{ClusterName ?? AdminUrl?.ToString()}|{Topics.Key}|{Subscription}";

    /// <summary>
    /// What is learned from measured runner rates: the source and the Function whose runners measure it (kept apart
    /// from rates inferred on the same source). Built once, as <see cref="SourceKey"/> is: it is looked up on every read.
    /// </summary>
    public string RunnerSourceKey => _runnerSourceKey ??= $"{SourceKey}|runner:{Function}";

    /// <summary>Equal when they ask the same question (the key, both cluster names), whatever was cached.</summary>
    public bool Equals(ScaleTarget? other) =>
        other is not null && Key == other.Key && Equals(AdminUrl, other.AdminUrl) && ClusterName == other.ClusterName;

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    /// <summary>Identifies the whole question, thresholds included.</summary>
    public string Key => _key ??= string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{SourceKey}|{Function}|{RunnerMetrics}|{IsPartitionedTopic}|{Mode}|{MsgBacklogThreshold}|{ActivationMsgBacklogThreshold}|{ActivationMsgRateThreshold}|{TargetDrainSeconds}|{MaxDrainSeconds}|{ReplicaStartupSeconds}|{CatchUpRatio}|{MsgRatePerReplica}");
}
