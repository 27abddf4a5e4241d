using MeshScaler.Core;
using System.Globalization;
using System.Text.Json;

namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>
/// Writes stats payloads shaped like Pulsar 3.x/4.x (compact, both <c>isDurable</c> and <c>durable</c>, −1 sentinels,
/// consumer metadata of the Java function runtime). Partitioned stats carry Pulsar's aggregate with nameless consumers
/// merged by list position, <c>metadata.partitions</c> and per-partition entries with <c>ownerBroker</c>.
/// Topic and subscription counters come from the state (split over partitions like the rates, summed in the
/// aggregate); those the state does not know are omitted, never invented, so a reader cannot derive a rate from numbers
/// that do not move. Per-consumer counters, which MeshScaler does not read, are filled with rate × 600 for shape only.
/// </summary>
internal static class PulsarStatsWriter
{
    private const double AverageMessageSize = 1024;

    /// <param name="earliest">Whether the request asked for <c>getEarliestTimeInBacklog</c>.</param>
    public static byte[] TopicStats(TopicSnapshot topic, int partition, DateTimeOffset now, string ownerBroker, bool earliest = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteTopic(writer, Slice(topic, partition, earliest), now, ownerBroker);
        }

        return stream.ToArray();
    }

    public static byte[] PartitionedStats(TopicSnapshot topic, DateTimeOffset now, string ownerBroker, bool earliest = false)
    {
        var visible = Enumerable.Range(0, topic.Partitions).Where(p => !topic.Hidden.Contains(p)).ToList();
        var slices = visible.Select(p => Slice(topic, p, earliest)).ToList();
        var aggregate = new TopicValues(
            slices.Sum(s => s.MsgRateIn),
            [
                .. topic.Subscriptions.Select(sub =>
                {
                    var parts = slices.Select(s => s.Subscriptions.First(x => x.Name == sub.Name)).ToList();
                    var merged = Enumerable.Range(0, sub.Consumers).Select(i => parts.Sum(p => p.ConsumerRates[i])).ToArray();
                    // The aggregate does not combine timestamps (0 with a backlog, as a broker writes it).
                    var backlog = parts.Sum(p => p.Backlog);
                    return new SubscriptionValues(
                        sub.Name, sub.Type, backlog, parts.Sum(p => p.MsgRateOut), merged, false, 0, Counters.SumOrNull(parts.Select(p => p.MsgOutCounter)),
                        parts.Sum(p => p.UnackedMessages), backlog == 0 ? -1 : 0);
                }),
            ],
            null,
            Counters.SumOrNull(slices.Select(s => s.MsgInCounter)));

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            WriteTopicFields(writer, aggregate, now, ownerBroker: null);
            writer.WriteStartObject("metadata");
            writer.WriteNumber("partitions", topic.Partitions);
            writer.WriteEndObject();
            writer.WriteStartObject("partitions");
            for (var i = 0; i < visible.Count; i++)
            {
                writer.WritePropertyName(topic.Name.Partition(visible[i]).FullName);
                WriteTopic(writer, slices[i], now, ownerBroker);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static TopicValues Slice(TopicSnapshot topic, int partition, bool earliest)
    {
        var share = Math.Max(1, topic.Partitions);
        return new TopicValues(
            topic.MsgRateIn / share,
            [
                .. topic.Subscriptions.Select(sub =>
                {
                    var rateOut = sub.MsgRateOut / share;
                    var perConsumer = sub.Consumers == 0 ? 0 : rateOut / sub.Consumers;
                    var backlog = sub.Backlog[Math.Min(partition, sub.Backlog.Count - 1)];
                    return new SubscriptionValues(
                        sub.Name,
                        sub.Type,
                        backlog,
                        rateOut,
                        [.. Enumerable.Repeat(perConsumer, sub.Consumers)],
                        true,
                        sub.AvgMessagesPerEntry,
                        Split(sub.MsgOutCounter, share, partition),
                        Split(sub.UnackedMessages, share, partition) ?? 0,
                        backlog == 0 ? -1 : earliest && sub.EarliestPublish is { } published ? published.ToUnixTimeMilliseconds() : 0);
                }),
            ],
            partition,
            Split(topic.MsgInCounter, share, partition));
    }

    private static long? Split(long? counter, int share, int partition) =>
        counter is { } c ? (c / share) + (partition < c % share ? 1 : 0) : null;


    private static void WriteTopic(Utf8JsonWriter writer, TopicValues topic, DateTimeOffset now, string ownerBroker)
    {
        writer.WriteStartObject();
        WriteTopicFields(writer, topic, now, ownerBroker);
        writer.WriteEndObject();
    }

    private static void WriteTopicFields(Utf8JsonWriter writer, TopicValues topic, DateTimeOffset now, string? ownerBroker)
    {
        var rateOut = topic.Subscriptions.Sum(s => s.MsgRateOut);
        var msgIn = topic.MsgInCounter;
        var msgOut = Counters.SumOrNull(topic.Subscriptions.Select(s => s.MsgOutCounter));
        var backlogBytes = topic.Subscriptions.Count == 0 ? 0 : topic.Subscriptions.Max(s => s.Backlog) * (long)AverageMessageSize;
        writer.WriteNumber("msgRateIn", topic.MsgRateIn);
        writer.WriteNumber("msgThroughputIn", topic.MsgRateIn * AverageMessageSize);
        writer.WriteNumber("msgRateOut", rateOut);
        writer.WriteNumber("msgThroughputOut", rateOut * AverageMessageSize);
        if (msgIn is { } published)
        {
            writer.WriteNumber("bytesInCounter", published * (long)AverageMessageSize);
            writer.WriteNumber("msgInCounter", published);
        }

        writer.WriteNumber("systemTopicBytesInCounter", 0);
        if (msgOut is { } dispatched)
        {
            writer.WriteNumber("bytesOutCounter", dispatched * (long)AverageMessageSize);
            writer.WriteNumber("msgOutCounter", dispatched);
        }

        writer.WriteNumber("bytesOutInternalCounter", 0);
        writer.WriteNumber("averageMsgSize", AverageMessageSize);
        writer.WriteBoolean("msgChunkPublished", false);
        writer.WriteNumber("storageSize", (msgIn ?? 0) * (long)AverageMessageSize);
        writer.WriteNumber("backlogSize", backlogBytes);
        writer.WriteNumber("backlogQuotaLimitSize", -1);
        writer.WriteNumber("backlogQuotaLimitTime", -1);
        writer.WriteNumber("oldestBacklogMessageAgeSeconds", -1);
        writer.WriteNumber("publishRateLimitedTimes", 0);
        writer.WriteNumber("earliestMsgPublishTimeInBacklogs", 0);
        writer.WriteNumber("offloadedStorageSize", 0);
        writer.WriteNumber("lastOffloadLedgerId", 0);
        writer.WriteNumber("lastOffloadSuccessTimeStamp", 0);
        writer.WriteNumber("lastOffloadFailureTimeStamp", 0);
        writer.WriteNumber("ongoingTxnCount", 0);
        writer.WriteNumber("abortedTxnCount", 0);
        writer.WriteNumber("committedTxnCount", 0);
        writer.WriteStartArray("publishers");
        if (topic.MsgRateIn > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("accessMode", "Shared");
            writer.WriteNumber("msgRateIn", topic.MsgRateIn);
            writer.WriteNumber("msgThroughputIn", topic.MsgRateIn * AverageMessageSize);
            writer.WriteNumber("averageMsgSize", AverageMessageSize);
            writer.WriteNumber("chunkedMessageRate", 0.0);
            writer.WriteNumber("producerId", 0);
            writer.WriteBoolean("supportsPartialProducer", false);
            if (topic.Partition is not null)
            {
                writer.WriteString("producerName", $"pulsar-3-{topic.Partition}");
                writer.WriteString("address", "/10.244.2.31:48214");
                writer.WriteString("connectedSince", Timestamp(now.AddMinutes(-20)));
                writer.WriteString("clientVersion", "Pulsar-Java-v4.0.4");
                writer.WriteStartObject("metadata");
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber("waitingPublishers", 0);
        writer.WriteStartObject("subscriptions");
        foreach (var sub in topic.Subscriptions)
        {
            writer.WritePropertyName(sub.Name);
            WriteSubscription(writer, sub, now);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("replication");
        writer.WriteEndObject();
        if (ownerBroker is not null)
        {
            writer.WriteString("deduplicationStatus", "Disabled");
        }

        writer.WriteNumber("nonContiguousDeletedMessagesRanges", 0);
        writer.WriteNumber("nonContiguousDeletedMessagesRangesSerializedSize", 0);
        writer.WriteNumber("delayedMessageIndexSizeInBytes", 0);
        writer.WriteStartObject("compaction");
        writer.WriteNumber("lastCompactionRemovedEventCount", 0);
        writer.WriteNumber("lastCompactionSucceedTimestamp", 0);
        writer.WriteNumber("lastCompactionFailedTimestamp", 0);
        writer.WriteNumber("lastCompactionDurationTimeInMills", 0);
        writer.WriteEndObject();
        if (ownerBroker is not null)
        {
            writer.WriteString("ownerBroker", ownerBroker);
        }
    }

    private static void WriteSubscription(Utf8JsonWriter writer, SubscriptionValues sub, DateTimeOffset now)
    {
        var lastMs = sub.Named ? now.ToUnixTimeMilliseconds() - 100 : 0;
        writer.WriteStartObject();
        writer.WriteNumber("msgRateOut", sub.MsgRateOut);
        writer.WriteNumber("msgThroughputOut", sub.MsgRateOut * AverageMessageSize);
        if (sub.MsgOutCounter is { } msgOut)
        {
            writer.WriteNumber("bytesOutCounter", msgOut * (long)AverageMessageSize);
            writer.WriteNumber("msgOutCounter", msgOut);
        }

        writer.WriteNumber("msgRateRedeliver", 0.0);
        writer.WriteNumber("messageAckRate", sub.MsgRateOut);
        writer.WriteNumber("chunkedMessageRate", 0.0);
        writer.WriteNumber("msgBacklog", sub.Backlog);
        writer.WriteNumber("backlogSize", sub.Backlog * (long)AverageMessageSize);
        writer.WriteNumber("earliestMsgPublishTimeInBacklog", sub.EarliestInBacklog);
        writer.WriteNumber("msgBacklogNoDelayed", sub.Backlog);
        writer.WriteBoolean("blockedSubscriptionOnUnackedMsgs", false);
        writer.WriteNumber("msgDelayed", 0);
        writer.WriteNumber("msgInReplay", 0);
        writer.WriteNumber("unackedMessages", sub.UnackedMessages);
        if (sub.Type is not null)
        {
            writer.WriteString("type", sub.Type);
        }

        writer.WriteNumber("msgRateExpired", 0.0);
        writer.WriteNumber("totalMsgExpired", 0);
        writer.WriteNumber("lastExpireTimestamp", 0);
        writer.WriteNumber("lastConsumedFlowTimestamp", lastMs);
        writer.WriteNumber("lastConsumedTimestamp", lastMs);
        writer.WriteNumber("lastAckedTimestamp", lastMs);
        writer.WriteNumber("lastMarkDeleteAdvancedTimestamp", lastMs);
        writer.WriteStartArray("consumers");
        for (var i = 0; i < sub.ConsumerRates.Count; i++)
        {
            WriteConsumer(writer, sub, i, now);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("isDurable", true);
        writer.WriteBoolean("isReplicated", false);
        writer.WriteBoolean("allowOutOfOrderDelivery", false);
        writer.WriteStartObject("consumersAfterMarkDeletePosition");
        writer.WriteEndObject();
        writer.WriteNumber("drainingHashesCount", 0);
        writer.WriteNumber("drainingHashesClearedTotal", 0);
        writer.WriteNumber("drainingHashesUnackedMessages", 0);
        writer.WriteNumber("nonContiguousDeletedMessagesRanges", 0);
        writer.WriteNumber("nonContiguousDeletedMessagesRangesSerializedSize", 0);
        writer.WriteNumber("delayedMessageIndexSizeInBytes", 0);
        writer.WriteStartObject("subscriptionProperties");
        writer.WriteEndObject();
        writer.WriteNumber("filterProcessedMsgCount", 0);
        writer.WriteNumber("filterAcceptedMsgCount", 0);
        writer.WriteNumber("filterRejectedMsgCount", 0);
        writer.WriteNumber("filterRescheduledMsgCount", 0);
        writer.WriteBoolean("durable", true);
        writer.WriteBoolean("replicated", false);
        writer.WriteEndObject();
    }

    private static void WriteConsumer(Utf8JsonWriter writer, SubscriptionValues sub, int index, DateTimeOffset now)
    {
        var rate = sub.ConsumerRates[index];
        var lastMs = sub.Named ? now.ToUnixTimeMilliseconds() - 100 : 0;
        writer.WriteStartObject();
        writer.WriteNumber("msgRateOut", rate);
        writer.WriteNumber("msgThroughputOut", rate * AverageMessageSize);
        writer.WriteNumber("bytesOutCounter", (long)(rate * 600 * AverageMessageSize));
        writer.WriteNumber("msgOutCounter", (long)(rate * 600));
        writer.WriteNumber("msgRateRedeliver", 0.0);
        writer.WriteNumber("messageAckRate", rate);
        writer.WriteNumber("chunkedMessageRate", 0.0);
        if (sub.Named)
        {
            writer.WriteString("consumerName", ConsumerName(sub.Name, index));
        }

        writer.WriteNumber("availablePermits", 100);
        writer.WriteNumber("unackedMessages", (sub.UnackedMessages / sub.ConsumerRates.Count) + (index < sub.UnackedMessages % sub.ConsumerRates.Count ? 1 : 0));
        writer.WriteNumber("avgMessagesPerEntry", sub.AvgMessagesPerEntry);
        writer.WriteBoolean("blockedConsumerOnUnackedMsgs", false);
        writer.WriteNumber("drainingHashesCount", 0);
        writer.WriteNumber("drainingHashesClearedTotal", 0);
        writer.WriteNumber("drainingHashesUnackedMessages", 0);
        if (sub.Named)
        {
            writer.WriteString("address", $"/10.244.1.{17 + index}:{52310 + index}");
            writer.WriteString("connectedSince", Timestamp(now.AddMinutes(-10)));
            writer.WriteString("clientVersion", "Pulsar-Java-v4.0.4");
        }

        writer.WriteNumber("lastAckedTimestamp", lastMs);
        writer.WriteNumber("lastConsumedTimestamp", lastMs);
        writer.WriteNumber("lastConsumedFlowTimestamp", lastMs);
        if (sub.Named)
        {
            var function = sub.Name[(sub.Name.LastIndexOf('/') + 1)..];
            writer.WriteStartObject("metadata");
            writer.WriteString("application", "pulsar-function");
            writer.WriteString("id", sub.Name);
            writer.WriteString("instance_id", index.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("instance_hostname", $"{function}-function-{index}");
            writer.WriteEndObject();
        }

        var lastTime = lastMs == 0 ? "1970-01-01T00:00:00Z" : DateTimeOffset.FromUnixTimeMilliseconds(lastMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        writer.WriteString("lastAckedTime", lastTime);
        writer.WriteString("lastConsumedTime", lastTime);
        writer.WriteEndObject();
    }

    /// <summary>Five hex digits, stable for a subscription and index, like Pulsar's random consumer names.</summary>
    private static string ConsumerName(string subscription, int index)
    {
        var hash = 2166136261u;
        foreach (var c in $"{subscription}#{index}")
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (hash & 0xFFFFF).ToString("x5", CultureInfo.InvariantCulture);
    }

    /// <summary>UTC with nanoseconds, as 3.x/4.x brokers write <c>connectedSince</c>.</summary>
    private static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);

    private sealed record TopicValues(double MsgRateIn, IReadOnlyList<SubscriptionValues> Subscriptions, int? Partition, long? MsgInCounter);

    private sealed record SubscriptionValues(
        string Name, string? Type, long Backlog, double MsgRateOut, IReadOnlyList<double> ConsumerRates, bool Named, int AvgMessagesPerEntry,
        long? MsgOutCounter, long UnackedMessages = 0, long EarliestInBacklog = 0);
}
