namespace MeshScaler.Pulsar;

/// <summary>What one subscription entry of a stats payload says, before partitions are combined.</summary>
/// <param name="ConsumerCount">Length of the <c>consumers</c> array (merged, nameless entries included).</param>
/// <param name="MaxNamedAvgMessagesPerEntry">Largest <c>avgMessagesPerEntry</c> of consumers with a name; 0 when none.</param>
/// <param name="MsgOutCounter">Cumulative <c>msgOutCounter</c>; null when absent or unusable.</param>
internal sealed record ParsedSubscription(
    long MsgBacklog,
    double MsgRateOut,
    int ConsumerCount,
    double MaxNamedAvgMessagesPerEntry,
    string? Type,
    long? MsgOutCounter = null,
    DateTimeOffset? EarliestPublishTimeInBacklog = null);

/// <summary>One topic (or partition) stats object.</summary>
/// <param name="MsgInCounter">Cumulative <c>msgInCounter</c>; null when absent or unusable.</param>
internal sealed record ParsedTopicStats(
    double MsgRateIn,
    IReadOnlyDictionary<string, ParsedSubscription> Subscriptions,
    long? MsgInCounter = null);

/// <summary>A <c>/partitioned-stats</c> payload: Pulsar's aggregate, <c>metadata.partitions</c> and the per-partition entries.</summary>
internal sealed record ParsedPartitionedStats(
    ParsedTopicStats Aggregate,
    int? MetadataPartitions,
    IReadOnlyDictionary<string, ParsedTopicStats> Partitions);
