using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>One (cluster, topic): its partition count (detected once, kept current from the stats) and its stats.</summary>
internal sealed class TopicSubject : Subject<TopicStats>
{
    private const int Unknown = -1;
    private readonly IPulsarAdmin _admin;
    private readonly Lock _gate = new();
    private TopicObservation? _current;

    // Written by fetches and by namespace listings on other threads: an int with a sentinel, read and written atomically.
    private int _partitions = Unknown;
    private long _readFetchAnchorTicks = DateTimeOffset.MinValue.UtcTicks;

    public TopicSubject(PulsarClusterRef cluster, TopicName topic, IPulsarAdmin admin, TimeProvider time, UpstreamTelemetry telemetry)
        : base(cluster, "stats", topic.FullName, time, telemetry)
    {
        Topic = topic;
        _admin = admin;
    }

    public TopicName Topic { get; }

    protected override string Description => $"stats of {Topic}";

    /// <summary>Whether a metric read fetches before answering (<see cref="ReadRefresh"/>).</summary>
    public ReadRefresh ReadRefresh { get; } = new();

    /// <summary>
    /// The poll-loop tick a read fetch counts from: the round just before the read, so the poll schedule, which counts
    /// from the last fetch, stays on the loop's ticks and a poll lands just before the next periodic read instead of a
    /// tick after it. <see cref="DateTimeOffset.MinValue"/> until a read fetches.
    /// </summary>
    public DateTimeOffset ReadFetchAnchor
    {
        get => new(Interlocked.Read(ref _readFetchAnchorTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _readFetchAnchorTicks, value.UtcTicks);
    }

    /// <remarks>
    /// A failing topic is never polled at the wake interval: wake polling must not multiply the load on a broker that is
    /// already struggling, or poll a missing topic every second.
    /// </remarks>
    protected override TimeSpan Interval(SignalStoreOptions options, bool wake) =>
        wake && Value.LastError is null ? options.WakePollInterval : options.PollInterval;

    /// <summary>Its last fetch, or the tick a read fetch was anchored to (<see cref="ReadFetchAnchor"/>).</summary>
    protected override DateTimeOffset ScheduleFrom(SignalStoreOptions options)
    {
        var started = Value.LastFetchStarted;
        var anchor = ReadFetchAnchor;
        return anchor < started && started - anchor < options.WakePollInterval ? anchor : started;
    }

    public override bool UsedBy(TargetState target) =>
        target.Cluster.Name == Cluster.Name && target.Target.Topics switch
        {
            TopicList list => list.Topics.Contains(Topic),
            TopicPattern pattern => pattern.Matches(Topic),
            _ => false,
        };

    /// <summary>
    /// The observation of <paramref name="sample"/> (normally <c>Value.Latest</c>), linked to the sample before it so
    /// rates can be derived from counter deltas over the real interval between the two fetches. Each fetched sample
    /// becomes the baseline of the next one exactly once, however many callers ask.
    /// </summary>
    public TopicObservation Observe(PolledValue<TopicStats>.Sample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);

        // Every read between two fetches asks for the same sample: answered without the lock (observations are
        // immutable, published whole).
        if (Volatile.Read(ref _current) is { } seen && ReferenceEquals(seen.Stats, sample.Value) && seen.FetchedAt == sample.FetchedAt)
        {
            return seen;
        }

        lock (_gate)
        {
            if (_current is { } current && ReferenceEquals(current.Stats, sample.Value) && current.FetchedAt == sample.FetchedAt)
            {
                return current;
            }

            // Samples only move forward; an older one (a stale reference held by a slow caller) does not rewind the baseline.
            var observation = new TopicObservation(Topic, sample.Value, sample.FetchedAt) { FetchDuration = sample.FetchDuration };
            if (_current is { } last && sample.FetchedAt < last.FetchedAt)
            {
                return observation;
            }

            var linked = observation.After(_current);
            Volatile.Write(ref _current, linked);
            return linked;
        }
    }

    /// <summary>
    /// Records the partition count a namespace listing reported (Pulsar's own answer), so the detection request can be
    /// skipped. A trigger's <c>isPartitionedTopic</c> is not used here: the subject is shared by every trigger on the
    /// topic, so one trigger's hint must not change what the others read; hints are checked per target instead.
    /// </summary>
    public void KnowPartitions(int partitions) => Interlocked.CompareExchange(ref _partitions, partitions, Unknown);

    protected override async Task<TopicStats> FetchAsync(CancellationToken cancellationToken)
    {
        var partitions = Volatile.Read(ref _partitions);
        if (partitions == Unknown)
        {
            partitions = await _admin.GetPartitionCountAsync(Cluster, Topic, cancellationToken);
        }

        Volatile.Write(ref _partitions, partitions);
        try
        {
            var stats = await _admin.GetTopicStatsAsync(Cluster, Topic, partitions, cancellationToken);
            Volatile.Write(ref _partitions, stats.Partitions);
            return stats;
        }
        catch (ScalingException ex) when (ex.Kind == ScalingErrorKind.NotFound)
        {
            // The topic may have been deleted and re-created with another partitioning: detect again next time.
            Volatile.Write(ref _partitions, Unknown);
            throw;
        }
    }
}
