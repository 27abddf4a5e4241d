namespace MeshScaler.Core;

/// <summary>What MeshScaler answers for one target at one moment.</summary>
/// <param name="Backlog">Subscription backlog in entries, summed over the target's topics.</param>
/// <param name="InflowRate">Publish rate over the target's topics, msg/s.</param>
/// <param name="OutRate">The subscription's dispatch rate over the target's topics, msg/s.</param>
/// <param name="Consumers">Connected consumers (the largest count on any topic: one pod consumes every input topic).</param>
/// <param name="MetricValue">The value served for the target's metric (backlog, or desired replicas in capacity mode).</param>
/// <param name="IsActive">Whether the target should run at least one replica.</param>
/// <param name="DesiredReplicas">Replicas the backlog and inflow call for (capacity formula, or backlog / threshold).</param>
/// <param name="PerReplicaRate">The msg/s one replica processes, given or learned; null while unknown.</param>
/// <param name="MissingSubscriptionTopics">Topics on which the subscription does not exist (counted as backlog 0).</param>
/// <param name="OldestFetch">When the oldest contributing observation was fetched.</param>
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
    DateTimeOffset OldestFetch);
