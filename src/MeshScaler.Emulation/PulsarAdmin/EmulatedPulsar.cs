using MeshScaler.Core;

namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>
/// The emulated cluster's topics and subscriptions. Thread-safe: tests, workloads and the HTTP handler may use it
/// concurrently. Topic names may be given in full (<c>persistent://t/ns/x</c>) or short (<c>t/ns/x</c>) form.
/// Rates are split evenly over partitions; every consumer is connected to every partition, as function instances are.
/// </summary>
/// <remarks>
/// Counters (<c>msgInCounter</c>, <c>msgOutCounter</c>) are served only once a workload has set them, and then as given:
/// cumulative message counts that a consistent workload only increases, split over partitions like the rates.
/// <see cref="ResetCounters"/> emulates a topic unload or broker restart. Until set, payloads omit the counters.
/// </remarks>
public sealed class EmulatedPulsar
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TopicName, TopicState> _topics = [];

    /// <summary>Creates a topic, or changes its partition count (0 = non-partitioned), keeping its subscriptions.</summary>
    public void CreateTopic(string topic, int partitions = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partitions);
        var name = Parse(topic);
        lock (_gate)
        {
            if (_topics.TryGetValue(name, out var existing))
            {
                existing.Resize(partitions);
            }
            else
            {
                _topics[name] = new TopicState(partitions);
            }
        }
    }

    /// <summary>Creates a non-partitioned topic unless it exists.</summary>
    public void EnsureTopic(string topic)
    {
        var name = Parse(topic);
        lock (_gate)
        {
            _topics.TryAdd(name, new TopicState(0));
        }
    }

    /// <summary>
    /// Sets the topic's publish rate (messages per second, summed over partitions) and, when given, its cumulative
    /// <c>msgInCounter</c> (messages published so far; null keeps the current counter).
    /// </summary>
    public void SetRates(string topic, double msgRateIn, long? msgInCounter = null)
    {
        if (msgInCounter is { } counter)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(counter, nameof(msgInCounter));
        }

        lock (_gate)
        {
            var state = Topic(topic);
            state.MsgRateIn = msgRateIn;
            state.MsgInCounter = msgInCounter ?? state.MsgInCounter;
        }
    }

    /// <summary>
    /// Sets the topic's counters and those of its subscriptions back to 0, as a topic unload or broker restart does.
    /// Counters that were never set stay absent.
    /// </summary>
    public void ResetCounters(string topic)
    {
        lock (_gate)
        {
            var state = Topic(topic);
            state.MsgInCounter = state.MsgInCounter is null ? null : 0;
            foreach (var (name, sub) in state.Subscriptions.ToList())
            {
                state.Subscriptions[name] = sub with { MsgOutCounter = sub.MsgOutCounter is null ? null : 0 };
            }
        }
    }

    /// <summary>
    /// Creates or replaces a subscription. <paramref name="backlog"/> (entries) is spread over the partitions, the
    /// remainder on the first ones; <paramref name="consumers"/> consumers are connected, each reporting
    /// <paramref name="avgMessagesPerEntry"/>. <paramref name="msgOutCounter"/> is the cumulative count of messages
    /// dispatched; null keeps the subscription's current counter. <paramref name="unackedMessages"/> is the number of
    /// messages dispatched to consumers and not yet acknowledged (they are also part of <paramref name="backlog"/>).
    /// <paramref name="earliestPublish"/> is when the oldest message in the backlog was published, served as
    /// <c>earliestMsgPublishTimeInBacklog</c> to a request with <c>getEarliestTimeInBacklog=true</c>; null: unknown (0).
    /// </summary>
    public void SetSubscription(
        string topic, string name, long backlog, double msgRateOut = 0, int consumers = 0, string? type = "Shared", int avgMessagesPerEntry = 1,
        long? msgOutCounter = null, long unackedMessages = 0, DateTimeOffset? earliestPublish = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(backlog);
        ArgumentOutOfRangeException.ThrowIfNegative(unackedMessages);
        ArgumentOutOfRangeException.ThrowIfNegative(consumers);
        if (msgOutCounter is { } counter)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(counter, nameof(msgOutCounter));
        }

        lock (_gate)
        {
            var state = Topic(topic);
            var slots = Math.Max(1, state.Partitions);
            var perPartition = new long[slots];
            for (var i = 0; i < slots; i++)
            {
                perPartition[i] = (backlog / slots) + (i < backlog % slots ? 1 : 0);
            }

            var outCounter = msgOutCounter ?? (state.Subscriptions.TryGetValue(name, out var existing) ? existing.MsgOutCounter : null);
            state.Subscriptions[name] = new SubscriptionState(type, perPartition, msgRateOut, consumers, avgMessagesPerEntry, outCounter, unackedMessages, earliestPublish);
        }
    }

    /// <summary>Sets the backlog (entries) of one partition (0 for a non-partitioned topic).</summary>
    public void SetPartitionBacklog(string topic, string subscription, int partition, long backlog)
    {
        lock (_gate)
        {
            var state = Topic(topic);
            if (!state.Subscriptions.TryGetValue(subscription, out var sub))
            {
                throw new ArgumentException($"subscription '{subscription}' does not exist on {topic}", nameof(subscription));
            }

            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, sub.Backlog.Length);
            sub.Backlog[partition] = backlog;
        }
    }

    /// <summary>
    /// Leaves a partition out of <c>/partitioned-stats</c> (sums and <c>partitions{}</c>), as Pulsar does silently for
    /// partitions whose stats failed; its own <c>/stats</c> still answers.
    /// </summary>
    public void HidePartitionFromAggregate(string topic, int partition, bool hidden = true)
    {
        lock (_gate)
        {
            var state = Topic(topic);
            if (hidden)
            {
                state.Hidden.Add(partition);
            }
            else
            {
                state.Hidden.Remove(partition);
            }
        }
    }

    internal TopicSnapshot? Find(TopicName name)
    {
        lock (_gate)
        {
            return _topics.TryGetValue(name, out var state) ? state.Snapshot(name) : null;
        }
    }

    internal IReadOnlyList<TopicSnapshot> InNamespace(string tenant, string @namespace)
    {
        lock (_gate)
        {
            return
            [
                .. _topics
                    .Where(t => t.Key.Tenant == tenant && t.Key.Namespace == @namespace)
                    .OrderBy(t => t.Key.LocalName, StringComparer.Ordinal)
                    .Select(t => t.Value.Snapshot(t.Key)),
            ];
        }
    }

    private TopicState Topic(string topic)
    {
        var name = Parse(topic);
        return _topics.TryGetValue(name, out var state)
            ? state
            : throw new ArgumentException($"topic {name.FullName} does not exist; call CreateTopic first", nameof(topic));
    }

    private static TopicName Parse(string topic) =>
        TopicName.TryParse(topic, out var name, out var error) ? name : throw new ArgumentException($"topic \"{topic}\": {error}", nameof(topic));

    private sealed class TopicState(int partitions)
    {
        public int Partitions { get; private set; } = partitions;

        public double MsgRateIn { get; set; }

        public long? MsgInCounter { get; set; }

        public Dictionary<string, SubscriptionState> Subscriptions { get; } = new(StringComparer.Ordinal);

        public HashSet<int> Hidden { get; } = [];

        public void Resize(int partitions)
        {
            Partitions = partitions;
            foreach (var (name, sub) in Subscriptions.ToList())
            {
                var total = sub.Backlog.Sum();
                var slots = Math.Max(1, partitions);
                var backlog = new long[slots];
                backlog[0] = total;
                Subscriptions[name] = sub with { Backlog = backlog };
            }
        }

        public TopicSnapshot Snapshot(TopicName name) =>
            new(
                name,
                Partitions,
                MsgRateIn,
                [.. Subscriptions.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new SubscriptionSnapshot(
                    s.Key, s.Value.Type, [.. s.Value.Backlog], s.Value.MsgRateOut, s.Value.Consumers, s.Value.AvgMessagesPerEntry, s.Value.MsgOutCounter,
                    s.Value.UnackedMessages, s.Value.EarliestPublish))],
                new HashSet<int>(Hidden),
                MsgInCounter);
    }

    private sealed record SubscriptionState(
        string? Type, long[] Backlog, double MsgRateOut, int Consumers, int AvgMessagesPerEntry, long? MsgOutCounter, long UnackedMessages = 0, DateTimeOffset? EarliestPublish = null);
}
