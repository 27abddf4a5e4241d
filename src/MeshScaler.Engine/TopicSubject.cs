using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>One (cluster, topic): its partition count (detected once, kept current from the stats) and its stats.</summary>
internal sealed class TopicSubject
{
    private readonly IPulsarAdmin _admin;
    private int? _partitions;

    public TopicSubject(PulsarClusterRef cluster, TopicName topic, IPulsarAdmin admin, TimeProvider time, Action<PolledValue<TopicStats>.Failure?, bool> observer)
    {
        Cluster = cluster;
        Topic = topic;
        _admin = admin;
        Stats = new PolledValue<TopicStats>(FetchAsync, time, observer);
    }

    public PulsarClusterRef Cluster { get; }

    public TopicName Topic { get; }

    public PolledValue<TopicStats> Stats { get; }

    /// <summary>
    /// Set by a trigger's <c>isPartitionedTopic</c>: when true, a topic found not partitioned is an error rather than
    /// silently read as non-partitioned, as KEDA's scaler would fail on <c>/partitioned-stats</c>.
    /// </summary>
    public bool ExpectPartitioned { get; set; }

    /// <summary>Records what a namespace listing or the trigger says, so the detection request can be skipped.</summary>
    public void KnowPartitions(int partitions)
    {
        _partitions ??= partitions;
    }

    private async Task<TopicStats> FetchAsync(CancellationToken cancellationToken)
    {
        var partitions = _partitions ?? await _admin.GetPartitionCountAsync(Cluster, Topic, cancellationToken);
        if (ExpectPartitioned && partitions == 0)
        {
            throw new ScalingException(
                ScalingErrorKind.NotFound,
                $"cluster '{Cluster.Name}': isPartitionedTopic is true but {Topic} is not a partitioned topic");
        }

        _partitions = partitions;
        try
        {
            var stats = await _admin.GetTopicStatsAsync(Cluster, Topic, partitions, cancellationToken);
            _partitions = stats.Partitions;
            return stats;
        }
        catch (ScalingException ex) when (ex.Kind == ScalingErrorKind.NotFound)
        {
            // The topic may have been deleted and re-created with another partitioning: detect again next time.
            _partitions = null;
            throw;
        }
    }
}
