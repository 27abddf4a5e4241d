namespace MeshScaler.Core;

/// <summary>What MeshScaler answers for one target at one moment.</summary>
/// <param name="Backlog">Subscription backlog in entries, summed over the target's topics.</param>
/// <param name="InflowRate">Publish rate over the target's topics, msg/s.</param>
/// <param name="OutRate">The subscription's dispatch rate over the target's topics, msg/s.</param>
/// <param name="Consumers">Connected consumers (the largest count on any topic: one pod consumes every input topic).</param>
/// <param name="MetricValue">The value served for the target's metric (backlog, or in capacity mode the replicas needed, unrounded).</param>
/// <param name="IsActive">Whether the target should run at least one replica.</param>
/// <param name="DesiredReplicas">Replicas the backlog and inflow call for, rounded up (capacity formula, or backlog / threshold).</param>
/// <param name="PerReplicaRate">The msg/s one replica processes, given or learned; null while unknown.</param>
/// <param name="MissingSubscriptionTopics">Topics on which the subscription does not exist (counted as backlog 0).</param>
/// <param name="OldestFetch">When the oldest contributing observation was fetched.</param>
/// <remarks>
/// <see cref="InflowRate"/> and <see cref="OutRate"/> are exact averages over the last poll interval when every topic
/// reported its counters twice without a reset (<see cref="RatesFromCounters"/>), otherwise the broker's 60 s windowed
/// averages (per topic: a topic without usable counters contributes its windowed rate).
/// </remarks>
public sealed record ScalingSignal(
    double Backlog,
    double InflowRate,
    double OutRate,
    int Consumers,
    double MetricValue,
    bool IsActive,
    double DesiredReplicas,
    double? PerReplicaRate,
    IReadOnlyList<TopicName> MissingSubscriptionTopics,
    DateTimeOffset OldestFetch)
{
    /// <summary>Whether every topic's inflow and out-rate came from counter deltas rather than the broker's windowed rates.</summary>
    public bool RatesFromCounters { get; init; }

    /// <summary>
    /// Whether every topic reports the counters (<c>msgInCounter</c>, the subscription's <c>msgOutCounter</c>) in its
    /// latest stats, so exact rates are available from the next fetch on even when this one has no predecessor.
    /// </summary>
    public bool CountersReported { get; init; }

    /// <summary>
    /// When the oldest message waiting in the subscription's backlog was published, the earliest over the target's
    /// topics; null when there is no backlog, or when a topic with a backlog did not say (then the age is unknown,
    /// never guessed from the others).
    /// </summary>
    public DateTimeOffset? OldestBacklogPublishTime { get; init; }

    /// <summary>Whether every topic with a backlog reported its oldest message's publish time.</summary>
    public bool BacklogAgeKnown { get; init; } = true;

    /// <summary>
    /// Messages per second one replica processed over the last poll interval while it was saturated (backlog at both
    /// ends of the interval, the same consumers throughout, rates from counters); null when the interval does not
    /// measure capacity. What <see cref="RateLearner"/> learns from.
    /// </summary>
    public double? CapacitySample { get; init; }
}
