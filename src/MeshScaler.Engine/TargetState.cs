using System.Threading.Channels;
using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>A target being asked about: its resolved cluster, its last signal and its push subscribers.</summary>
internal sealed class TargetState
{
    private readonly object _gate = new();
    private readonly List<Channel<bool>> _watchers = [];
    private long _lastRequestedTicks;
    private bool? _lastPushed;
    private bool _retired;
    private Evaluation? _lastEvaluation;
    private Remembered<IReadOnlyList<TopicSubject>>? _topicSubjects;
    private Remembered<RunnerSubject?>? _runner;

    public TargetState(ScaleTarget target, PulsarClusterRef cluster, DateTimeOffset now)
    {
        Target = target;
        Cluster = cluster;
        Id = MetricNames.ShortHash(target.Key);
        Touch(now);
    }

    /// <summary>A short stable id of the whole question (thresholds included), for metric labels.</summary>
    public string Id { get; }

    public ScaleTarget Target { get; }

    public PulsarClusterRef Cluster { get; }

    public DateTimeOffset LastRequested => new(Interlocked.Read(ref _lastRequestedTicks), TimeSpan.Zero);

    /// <summary>
    /// The newest evaluation (by a request or a poll): what it read and what it gave; null until one could be made.
    /// Replaced whole, so readers need no lock.
    /// </summary>
    public Evaluation? LastEvaluation => Volatile.Read(ref _lastEvaluation);

    /// <summary>Its topic subjects as last found (<see cref="SubjectRegistry.KnownTopicsOf"/>); replaced whole.</summary>
    public Remembered<IReadOnlyList<TopicSubject>>? TopicSubjects
    {
        get => Volatile.Read(ref _topicSubjects);
        set => Volatile.Write(ref _topicSubjects, value);
    }

    /// <summary>Its runner subject as last found (<see cref="SubjectRegistry.RunnerOf(TargetState)"/>); replaced whole.</summary>
    public Remembered<RunnerSubject?>? Runner
    {
        get => Volatile.Read(ref _runner);
        set => Volatile.Write(ref _runner, value);
    }

    /// <summary>
    /// Keeps <paramref name="evaluation"/> unless one read from newer data is already kept: a slow caller finishing
    /// late never puts an older signal back.
    /// </summary>
    public void Offer(Evaluation evaluation)
    {
        while (true)
        {
            var current = Volatile.Read(ref _lastEvaluation);
            if (current is not null && current.Newest > evaluation.Newest)
            {
                return;
            }

            if (ReferenceEquals(Interlocked.CompareExchange(ref _lastEvaluation, evaluation, current), current))
            {
                return;
            }
        }
    }

    /// <summary>The activity last pushed to watchers; null before the first evaluation.</summary>
    public bool? LastPushed
    {
        get
        {
            lock (_gate)
            {
                return _lastPushed;
            }
        }
    }

    public bool HasWatchers
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count > 0;
            }
        }
    }

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastRequestedTicks, now.UtcTicks);

    /// <summary>
    /// Retires the state for eviction when it has no watcher and was last requested before <paramref name="cutoff"/>.
    /// Checked and decided under the same lock that <see cref="AddWatcher"/> takes, so a watcher either attached first
    /// (and the state stays) or is refused (and attaches to a new state): never one left on an evicted orphan.
    /// </summary>
    public bool TryRetire(DateTimeOffset cutoff)
    {
        lock (_gate)
        {
            if (_watchers.Count > 0 || LastRequested >= cutoff)
            {
                return false;
            }

            _retired = true;
            return true;
        }
    }

    /// <summary>Subscribes to transitions; null when the state was retired for eviction (track a new one instead).</summary>
    public ChannelReader<bool>? AddWatcher(out Action remove)
    {
        // Only the newest state matters to a watcher, so a full channel drops the older value.
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            if (_retired)
            {
                remove = static () => { };
                return null;
            }

            _watchers.Add(channel);
        }

        remove = () =>
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }

            channel.Writer.TryComplete();
        };
        return channel.Reader;
    }

    /// <summary>Tells watchers the new activity if it changed since the last push.</summary>
    public void Publish(bool active)
    {
        lock (_gate)
        {
            if (_lastPushed == active)
            {
                return;
            }

            _lastPushed = active;
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(active);
            }
        }
    }
}
