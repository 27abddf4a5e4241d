namespace MeshScaler.Core;

/// <summary>
/// The questions MeshScaler asks a Pulsar cluster's admin REST API. Implementations throw
/// <see cref="ScalingException"/> for every expected failure (not found, auth, unreachable, bad payload).
/// </summary>
public interface IPulsarAdmin
{
    /// <summary><c>GET /admin/v2/persistent/{t}/{ns}/{topic}/partitions</c>: the partition count, 0 when not partitioned.</summary>
    Task<int> GetPartitionCountAsync(PulsarClusterRef cluster, TopicName topic, CancellationToken cancellationToken);

    /// <summary>
    /// Topic stats: <c>/stats</c> when <paramref name="partitions"/> is 0, otherwise <c>/partitioned-stats</c>
    /// with partitions missing from the aggregate fetched one by one, so the sums are never silently short.
    /// </summary>
    Task<TopicStats> GetTopicStatsAsync(PulsarClusterRef cluster, TopicName topic, int partitions, CancellationToken cancellationToken);

    /// <summary>
    /// <c>GET /admin/v2/persistent/{t}/{ns}</c>: the namespace's topics, with partitions folded into their
    /// partitioned topic (the value is the partition count, 0 for a non-partitioned topic).
    /// </summary>
    Task<IReadOnlyDictionary<TopicName, int>> ListTopicsAsync(PulsarClusterRef cluster, string tenant, string @namespace, CancellationToken cancellationToken);
}
