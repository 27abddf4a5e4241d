using MeshScaler.Core;

namespace MeshScaler.Pulsar;

/// <summary>Turns parsed payloads into <see cref="TopicStats"/>.</summary>
internal static class TopicStatsAggregator
{
    /// <summary>A non-partitioned topic: consumer count is the array length.</summary>
    public static TopicStats FromTopic(ParsedTopicStats stats) =>
        new(
            stats.MsgRateIn,
            0,
            stats.Subscriptions.ToDictionary(
                s => s.Key,
                s => new SubscriptionStats(
                    s.Value.MsgBacklog,
                    s.Value.MsgRateOut,
                    s.Value.ConsumerCount,
                    Math.Max(1, s.Value.MaxNamedAvgMessagesPerEntry),
                    s.Value.Type,
                    s.Value.MsgOutCounter,
                    s.Value.EarliestPublishTimeInBacklog),
                StringComparer.Ordinal),
            stats.MsgInCounter);

    /// <summary>
    /// A partitioned topic: Pulsar's sums (which silently skip partitions that failed) plus the <c>/stats</c> of each
    /// partition missing from them. Consumers are counted per partition (the largest wins) because the aggregate's
    /// consumers are merged by list position; messages per entry come from named, per-partition consumers only,
    /// since the merged ones report 0. Counters are summed like the rates; a counter missing from any contributing
    /// entry makes the sum null (unknown), never a smaller number.
    /// </summary>
    public static TopicStats FromPartitioned(
        ParsedPartitionedStats stats, int partitionCount, IReadOnlyCollection<ParsedTopicStats> missingPartitions)
    {
        var perPartition = stats.Partitions.Values.Concat(missingPartitions).ToList();
        var msgRateIn = stats.Aggregate.MsgRateIn + missingPartitions.Sum(p => p.MsgRateIn);
        var msgInCounter = Counters.SumOrNull(missingPartitions.Select(p => p.MsgInCounter).Prepend(stats.Aggregate.MsgInCounter));
        var names = stats.Aggregate.Subscriptions.Keys
            .Concat(missingPartitions.SelectMany(p => p.Subscriptions.Keys))
            .Distinct(StringComparer.Ordinal);

        var subscriptions = new Dictionary<string, SubscriptionStats>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            stats.Aggregate.Subscriptions.TryGetValue(name, out var aggregate);
            var added = missingPartitions
                .Select(p => p.Subscriptions.GetValueOrDefault(name))
                .OfType<ParsedSubscription>()
                .ToList();
            var partitionEntries = perPartition
                .Select(p => p.Subscriptions.GetValueOrDefault(name))
                .OfType<ParsedSubscription>()
                .ToList();

            var backlog = (aggregate?.MsgBacklog ?? 0) + added.Sum(s => s.MsgBacklog);
            var msgRateOut = (aggregate?.MsgRateOut ?? 0) + added.Sum(s => s.MsgRateOut);
            var msgOutCounter = Counters.SumOrNull(aggregate is null ? added.Select(s => s.MsgOutCounter) : added.Select(s => s.MsgOutCounter).Prepend(aggregate.MsgOutCounter));
            var consumers = Math.Max(
                aggregate?.ConsumerCount ?? 0,
                partitionEntries.Count == 0 ? 0 : partitionEntries.Max(s => s.ConsumerCount));
            var avg = partitionEntries.Count == 0 ? 0 : partitionEntries.Max(s => s.MaxNamedAvgMessagesPerEntry);
            var type = aggregate?.Type ?? partitionEntries.Select(s => s.Type).FirstOrDefault(t => t is not null);

            // Timestamps are not aggregated by the broker: the earliest over the partitions that have a backlog, and
            // unknown when one of those did not say.
            var withBacklog = partitionEntries.Where(s => s.MsgBacklog > 0).ToList();
            var earliest = withBacklog.Count > 0 && withBacklog.All(s => s.EarliestPublishTimeInBacklog is not null) ? withBacklog.Min(s => s.EarliestPublishTimeInBacklog) : null;
            subscriptions[name] = new SubscriptionStats(backlog, msgRateOut, consumers, Math.Max(1, avg), type, msgOutCounter, earliest);
        }

        return new TopicStats(msgRateIn, partitionCount, subscriptions, msgInCounter);
    }
}
