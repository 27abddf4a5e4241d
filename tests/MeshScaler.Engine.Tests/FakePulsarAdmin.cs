using System.Collections.Concurrent;
using MeshScaler.Core;

namespace MeshScaler.Engine.Tests;

/// <summary>A hand-written IPulsarAdmin: topics held in memory, calls counted, failures and gates injectable.</summary>
internal sealed class FakePulsarAdmin : IPulsarAdmin
{
    private readonly ConcurrentDictionary<TopicName, TopicStats> _topics = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();

    public ScalingException? Failure { get; set; }

    /// <summary>An exception that is not a ScalingException: a bug in a source.</summary>
    public Exception? Throw { get; set; }

    /// <summary>When set, stats calls wait for it, so tests can hold many callers at a cold fetch.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public Dictionary<(string Tenant, string Namespace), Dictionary<TopicName, int>> Namespaces { get; } = [];

    public int Calls(string kind) => _calls.GetValueOrDefault(kind);

    public void Set(TopicName topic, double rateIn, long? backlog, double rateOut = 0, int consumers = 1, int partitions = 0, string subscription = "sub") =>
        _topics[topic] = new TopicStats(rateIn, partitions, backlog is { } b
            ? new Dictionary<string, SubscriptionStats> { [subscription] = new(b, rateOut, consumers, 1, "Shared") }
            : new Dictionary<string, SubscriptionStats>());

    /// <summary>Sets the whole stats answer, counters included.</summary>
    public void SetStats(TopicName topic, TopicStats stats) => _topics[topic] = stats;

    public Task<int> GetPartitionCountAsync(PulsarClusterRef cluster, TopicName topic, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate("partitions", 1, (_, n) => n + 1);
        return Task.FromResult(_topics.TryGetValue(topic, out var stats) ? stats.Partitions : 0);
    }

    public async Task<TopicStats> GetTopicStatsAsync(PulsarClusterRef cluster, TopicName topic, int partitions, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate("stats", 1, (_, n) => n + 1);
        _calls.AddOrUpdate($"stats:{topic.LocalName}:{partitions}", 1, (_, n) => n + 1);
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (Failure is { } failure)
        {
            throw failure;
        }

        if (Throw is { } bug)
        {
            throw bug;
        }

        return _topics.TryGetValue(topic, out var stats)
            ? stats
            : throw new ScalingException(ScalingErrorKind.NotFound, $"Topic {topic} not found");
    }

    public Task<IReadOnlyDictionary<TopicName, int>> ListTopicsAsync(PulsarClusterRef cluster, string tenant, string @namespace, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate("topics", 1, (_, n) => n + 1);
        if (Failure is { } failure)
        {
            throw failure;
        }

        // A copy, as a real listing would be: the caller must not see later edits of the fake.
        return Task.FromResult<IReadOnlyDictionary<TopicName, int>>(new Dictionary<TopicName, int>(Namespaces.GetValueOrDefault((tenant, @namespace)) ?? []));
    }
}
