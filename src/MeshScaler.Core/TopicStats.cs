namespace MeshScaler.Core;

/// <summary>
/// What MeshScaler needs from one topic's admin stats (<c>/stats</c>, or <c>/partitioned-stats</c> summed over
/// every partition). Rates are the broker's windowed averages, in messages per second.
/// </summary>
/// <param name="MsgRateIn">Topic publish rate (sum over partitions).</param>
/// <param name="Partitions">Partition count; 0 for a non-partitioned topic.</param>
/// <param name="Subscriptions">Subscriptions by raw name (names may contain '/').</param>
/// <param name="MsgInCounter">
/// Pulsar's cumulative <c>msgInCounter</c> (messages published, summed over partitions); null when the broker did not
/// report it. Cumulative, but reset to 0 when the topic is unloaded or its broker restarts.
/// </param>
public sealed record TopicStats(
    double MsgRateIn,
    int Partitions,
    IReadOnlyDictionary<string, SubscriptionStats> Subscriptions,
    long? MsgInCounter = null);

/// <summary>One subscription of a topic.</summary>
/// <param name="MsgBacklog">Backlog in entries (batches), as Pulsar counts it; summed over partitions.</param>
/// <param name="MsgRateOut">Dispatch rate in messages per second (sum over partitions).</param>
/// <param name="ConsumerCount">Connected consumers; for partitioned topics the largest count on any partition.</param>
/// <param name="AvgMessagesPerEntry">Messages per entry estimated from the consumers, at least 1.</param>
/// <param name="Type">Exclusive, Shared, Failover or Key_Shared; null when the broker omitted it.</param>
/// <param name="MsgOutCounter">
/// Pulsar's cumulative <c>msgOutCounter</c> (messages dispatched, summed over partitions); null when not reported.
/// Reset on topic unload and broker restart like every counter.
/// </param>
/// <param name="EarliestPublishTimeInBacklog">
/// When the oldest message in the backlog was published (<c>earliestMsgPublishTimeInBacklog</c>, the earliest over
/// partitions); null when the broker did not report one (no backlog, a broker before 2.11, or not asked for).
/// </param>
public sealed record SubscriptionStats(
    long MsgBacklog,
    double MsgRateOut,
    int ConsumerCount,
    double AvgMessagesPerEntry,
    string? Type,
    long? MsgOutCounter = null,
    DateTimeOffset? EarliestPublishTimeInBacklog = null);
