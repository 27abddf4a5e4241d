using MeshScaler.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshScaler.Engine;

/// <summary>
/// The shared signal cache: answers "what is the signal of this target now" from the latest polled data, with one
/// upstream fetch per subject per poll interval however many callers ask (a topic whose metric is read by a single
/// trigger may add at most one more per interval over time, to keep the HPA's reads fresh: <see cref="ReadRefresh"/>).
/// </summary>
/// <remarks>
/// <para>Subjects are the upstream questions: (cluster, topic) stats, (cluster, namespace) topic lists and a Function's
/// runner pods, all behind one contract (<see cref="Subject{T}"/>: single-flight fetch, staleness, cold path, schedule)
/// and kept in the <see cref="SubjectRegistry"/>. They are created by the first request, polled by
/// <see cref="PollOnceAsync"/> every <see cref="SignalStoreOptions.PollInterval"/> while requested (every
/// <see cref="SignalStoreOptions.WakePollInterval"/> while a watched target using them is inactive), and dropped after
/// <see cref="SignalStoreOptions.IdleEviction"/> without a request. A cold request waits for the first fetch (shared by
/// every concurrent caller) within the caller's own deadline.</para>
/// <para>A value is served while it is at most <see cref="SignalStoreOptions.MaxStaleness"/> old, even while upstream
/// is failing; past that the request fails (UNAVAILABLE, or the last error's own kind such as NOT_FOUND), never
/// answering a zero or "inactive" it does not know.</para>
/// <para>Each topic subject keeps its previous fetch, so observations carry exact rates derived from Pulsar's counters
/// over the real interval between fetches (stamped by the injected clock), falling back to the broker's windowed rates
/// on a reset or a missing counter (<see cref="TopicObservation"/>).</para>
/// <para>Per-replica rates are learned per (cluster, topics, subscription), once per new observation, and shared by
/// every target on that source (<see cref="LearningBook"/>).</para>
/// <para>This type composes those parts: it answers requests and watches, and runs the poll round.</para>
/// </remarks>
public sealed class SignalStore : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger<SignalStore> _logger;
    private readonly SignalStoreOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;
    private readonly TargetTable _targets;
    private readonly SubjectRegistry _subjects;
    private readonly LearningBook _learning = new();
    private readonly MissingSubscriptions _missingSubscriptions;

    // Read fetches share one bound across every read, as a poll round bounds its own: a pattern over many topics must not
    // open as many connections at once.
    private readonly SemaphoreSlim _readFetches;
    private long _lastRoundTicks = DateTimeOffset.MinValue.UtcTicks;

    public SignalStore(
        IPulsarAdmin admin,
        IPulsarClusterResolver clusters,
        IOptions<SignalStoreOptions> options,
        TimeProvider time,
        ILogger<SignalStore> logger,
        EngineMetrics metrics,
        IFunctionDirectory? functions = null,
        IRunnerScraper? scraper = null)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _stoppingToken = _stopping.Token;
        _targets = new TargetTable(clusters);
        _subjects = new SubjectRegistry(admin, functions, scraper, time, new UpstreamTelemetry(metrics, logger), _options, logger);
        _missingSubscriptions = new MissingSubscriptions(logger);
        _readFetches = new SemaphoreSlim(_options.MaxConcurrentFetches);
        metrics.Attach(this);
    }

    public SignalStoreOptions Options => _options;

    internal int TopicSubjectCount => _subjects.TopicCount;

    internal int NamespaceSubjectCount => _subjects.NamespaceCount;

    internal int RunnerSubjectCount => _subjects.RunnerCount;

    /// <summary>Every Function whose runner pods are scraped, with its latest round while within MaxStaleness.</summary>
    internal IEnumerable<(FunctionRef Function, RunnerObservation Observation)> RunnerObservations
    {
        get
        {
            var now = _time.GetUtcNow();
            foreach (var runner in _subjects.Runners)
            {
                if (runner.Held(now, _options) is { } latest)
                {
                    yield return (runner.Function, latest.Value);
                }
            }
        }
    }

    internal int TargetCount => _targets.Count;

    internal IEnumerable<TargetState> Targets => _targets.All;

    internal IEnumerable<(string Cluster, TopicName Topic, string Subscription)> MissingSubscriptions => _missingSubscriptions.All;

    /// <summary>
    /// The target's last signal while every observation behind it is within <see cref="SignalStoreOptions.MaxStaleness"/>,
    /// as a request would be answered; null once it is older (an outage), so it is never shown as current.
    /// </summary>
    internal ScalingSignal? ServableSignal(TargetState state)
    {
        if (state.LastEvaluation is not { } evaluation)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        foreach (var observation in evaluation.Observations)
        {
            if (now - observation.FetchedAt > _options.MaxStaleness)
            {
                return null;
            }
        }

        return evaluation.Signal;
    }

    /// <summary>
    /// Validates that the target's cluster is allowed, without calling the source. Throws
    /// <see cref="ScalingException"/> (InvalidArgument) when it is not.
    /// </summary>
    public PulsarClusterRef ResolveCluster(ScaleTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return _targets.Resolve(target);
    }

    /// <summary>The target's current signal. Throws <see cref="ScalingException"/> when it cannot be known.</summary>
    public Task<ScalingSignal> GetAsync(ScaleTarget target, CancellationToken cancellationToken) =>
        GetAsync(target, forMetric: false, cancellationToken);

    /// <summary>
    /// The target's current signal for its metric (KEDA's GetMetrics, for the HPA): as <see cref="GetAsync(ScaleTarget, CancellationToken)"/>,
    /// but a topic read by this trigger alone whose data is a wake tick old or more is fetched first (<see cref="ReadRefresh"/>).
    /// </summary>
    public Task<ScalingSignal> GetMetricAsync(ScaleTarget target, CancellationToken cancellationToken) =>
        GetAsync(target, forMetric: true, cancellationToken);

    private async Task<ScalingSignal> GetAsync(ScaleTarget target, bool forMetric, CancellationToken cancellationToken)
    {
        // One clock reading for the whole read, read again only after an await that really waited (a cold fetch).
        var now = _time.GetUtcNow();
        var state = _targets.Track(target, now);
        var pendingSubjects = _subjects.TopicsOfAsync(state, now, _stoppingToken, cancellationToken);
        IReadOnlyList<TopicSubject> subjects;
        if (pendingSubjects.IsCompletedSuccessfully)
        {
            subjects = pendingSubjects.Result;
        }
        else
        {
            subjects = await pendingSubjects;
            now = _time.GetUtcNow();
        }

        if (forMetric)
        {
            var refresh = RefreshForReadAsync(target, subjects, now, cancellationToken);
            if (!refresh.IsCompletedSuccessfully)
            {
                await refresh;
                now = _time.GetUtcNow();
            }
        }

        var observations = new TopicObservation[subjects.Count];
        List<Task>? cold = null;
        for (var i = 0; i < subjects.Count; i++)
        {
            var subject = subjects[i];
            var sample = subject.GetAsync(_options, now, _stoppingToken, cancellationToken);
            if (sample.IsCompletedSuccessfully)
            {
                observations[i] = subject.Observe(sample.Result);
                continue;
            }

            (cold ??= []).Add(ObserveColdAsync(subject, sample, observations, i));
        }

        if (cold is not null)
        {
            await Task.WhenAll(cold);
            now = _time.GetUtcNow();
        }

        CheckPartitionHint(state, observations);
        var pendingRunner = RunnerObservationAsync(state, now, cancellationToken);
        RunnerObservation? runner;
        if (pendingRunner.IsCompletedSuccessfully)
        {
            runner = pendingRunner.Result;
        }
        else
        {
            runner = await pendingRunner;
            now = _time.GetUtcNow();
        }

        return Evaluate(state, observations, runner, now);
    }

    private static async Task ObserveColdAsync(TopicSubject subject, ValueTask<PolledValue<TopicStats>.Sample> pending, TopicObservation[] observations, int index)
    {
        var sample = await pending;
        observations[index] = ReferenceEquals(sample, subject.Value.Latest)
            ? subject.Observe(sample)
            : new TopicObservation(subject.Topic, sample.Value, sample.FetchedAt);
    }

    /// <summary>
    /// The latest round of the target's runner pods (the metrics API's processing rates): one round per poll interval
    /// shared with every trigger on the Function. Throws <see cref="ScalingException"/>: InvalidArgument when the target
    /// reads no runner metrics (not a <c>function:</c> capacity trigger, <c>runnerMetrics: false</c>, or
    /// <c>msgRatePerReplica</c> set), else as any read (stale, every pod failed).
    /// </summary>
    public async Task<RunnerObservation> GetRunnerAsync(ScaleTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var now = _time.GetUtcNow();
        var state = _targets.Track(target, now);
        if (_subjects.RunnerOf(state) is not { } runner)
        {
            throw new ScalingException(
                ScalingErrorKind.InvalidArgument,
                $"{target.MetricName} reads no runner metrics: they are read for function: triggers in capacity mode, without runnerMetrics: false or msgRatePerReplica, when MeshScaler reads the cluster");
        }

        return (await runner.GetAsync(_options, now, _stoppingToken, cancellationToken)).Value;
    }

    /// <summary>
    /// The target's runner-pod round when capacity mode reads runner metrics: the latest while fresh, else one fetch
    /// shared by every caller. With <c>runnerMetrics: auto</c> a failure is null (the rate is inferred instead); with
    /// <c>true</c> it fails the request.
    /// </summary>
    private async ValueTask<RunnerObservation?> RunnerObservationAsync(TargetState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_subjects.RunnerOf(state) is not { } runner)
        {
            return null;
        }

        try
        {
            return (await runner.GetAsync(_options, now, _stoppingToken, cancellationToken)).Value;
        }
        catch (ScalingException) when (state.Target.RunnerMetrics == RunnerMetricsMode.Auto)
        {
            return null;
        }
    }

    /// <summary>Subscribes to the target's activity transitions; the poll loop publishes them.</summary>
    public SignalWatch Watch(ScaleTarget target)
    {
        while (true)
        {
            var state = _targets.Track(target, _time.GetUtcNow());
            if (state.AddWatcher(out var remove) is { } reader)
            {
                // Attached before any eviction could retire the state; eviction now keeps it while the watch lives.
                return new SignalWatch(reader, remove);
            }

            // Retired by an eviction that has not removed it yet: remove it here and track a new one.
            _targets.Remove(state);
        }
    }

    /// <summary>
    /// One poll round: evicts idle subjects, refreshes every due subject (bounded concurrency), then re-evaluates
    /// every tracked target and notifies watchers of transitions. Failures are recorded per subject, never thrown.
    /// </summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        Interlocked.Exchange(ref _lastRoundTicks, now.UtcTicks);
        try
        {
            Evict(now);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Eviction is housekeeping: a failure there must not stop this round's fetches.
            EngineLog.EvaluationFailed(_logger, "(eviction)", ex);
        }

        // A watched target may never be requested again: make sure its subjects exist so this round fetches them. Those of
        // a watched target not known to be active are polled every WakePollInterval, so a pushed wake-up from zero is
        // not held back by PollInterval; collected once per round, not searched for per subject.
        var wakePolling = _options.WakePollInterval < _options.PollInterval;
        HashSet<ISubject>? waking = null;
        foreach (var state in _targets.All)
        {
            if (state.HasWatchers && _subjects.KnownTopicsOf(state) is { } subjects && wakePolling && state.LastPushed != true)
            {
                (waking ??= []).UnionWith(subjects);
            }
        }

        using var gate = new SemaphoreSlim(_options.MaxConcurrentFetches);
        var fetches = new List<Task>();
        foreach (var subject in _subjects.All)
        {
            if (subject.IsDue(now, _options, wake: waking is not null && waking.Contains(subject)))
            {
                fetches.Add(subject.PollAsync(gate, _stoppingToken, cancellationToken));
            }
        }

        try
        {
            // A slow cluster must not hold back the others' notifications: wait at most one round (rounds run every
            // WakePollInterval), then publish what is known. Fetches still running stay single-flight and are not
            // restarted while in flight.
            await Task.WhenAll(fetches).WaitAsync(_options.WakePollInterval, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }

        foreach (var state in _targets.All)
        {
            try
            {
                EvaluateTracked(state);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One target's bug must not stop the others from being evaluated and notified.
                EngineLog.EvaluationFailed(_logger, state.Target.MetricName, ex);
            }
        }
    }

    public void Dispose()
    {
        // Cancel only: fetches still running read the captured token, which stays valid after cancellation.
        _stopping.Cancel();
    }

    /// <summary>
    /// <c>isPartitionedTopic: true</c> on a topic that is not partitioned fails that trigger only (KEDA's scaler would
    /// get a 404 from <c>/partitioned-stats</c>). <c>false</c> on a partitioned topic is read correctly: the hint never
    /// makes MeshScaler read less than the truth. Patterns take partitioning from the namespace listing.
    /// </summary>
    private static void CheckPartitionHint(TargetState state, IReadOnlyList<TopicObservation> observations)
    {
        if (state.Target.IsPartitionedTopic != true || state.Target.Topics is not TopicList)
        {
            return;
        }

        foreach (var observation in observations)
        {
            if (observation.Stats.Partitions == 0)
            {
                throw new ScalingException(
                    ScalingErrorKind.NotFound,
                    $"cluster '{state.Cluster.Name}': isPartitionedTopic is true but {observation.Topic} is not a partitioned topic");
            }
        }
    }

    /// <summary>
    /// Fetches the subjects whose data is too old for a metric read (<see cref="ReadRefresh"/>), at most
    /// <see cref="SignalStoreOptions.MaxConcurrentFetches"/> at once across every read, waiting at most one wake tick:
    /// past that, or on a failure, the read answers from what the store holds, as any other read.
    /// </summary>
    private async ValueTask RefreshForReadAsync(ScaleTarget target, IReadOnlyList<TopicSubject> subjects, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<Task>? refreshes = null;
        var lastRound = new DateTimeOffset(Interlocked.Read(ref _lastRoundTicks), TimeSpan.Zero);
        foreach (var subject in subjects)
        {
            var stats = subject.Value;
            if (subject.ReadRefresh.ShouldFetch(target.Key, now, stats.Latest?.FetchedAt, stats.LastError is not null, _options))
            {
                subject.ReadFetchAnchor = now - lastRound < _options.WakePollInterval ? lastRound : now;

                // Never faults: failures are recorded by the subject, and the fetch outlives a caller that gives up.
                (refreshes ??= []).Add(subject.PollAsync(_readFetches, _stoppingToken, _stoppingToken));
            }
        }

        if (refreshes is null)
        {
            return;
        }

        try
        {
            await Task.WhenAll(refreshes).WaitAsync(_options.WakePollInterval, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Still fetching: answer from what is held; the fetch finishes for the next caller.
        }
    }

    /// <remarks>
    /// A target asked about again before anything new was observed and before its source learned a new rate gets the
    /// signal it got last time: the same observations and rate give the same signal, and the hot read path then takes no
    /// lock and computes nothing.
    /// </remarks>
    private ScalingSignal Evaluate(TargetState state, IReadOnlyList<TopicObservation> observations, RunnerObservation? runner, DateTimeOffset now)
    {
        var target = state.Target;
        var measured = _subjects.RunnerOf(state) is not null;
        var learning = _learning.For(target, measured, now);
        if (state.LastEvaluation is { } last && last.Rate == learning.Rate && last.Matches(observations, runner))
        {
            return last.Signal;
        }

        var (signal, rate, newObservation) = learning.Compute(target, observations, runner, measured);
        state.Offer(new Evaluation([.. observations], rate, signal, runner));

        // Which subscriptions are missing depends only on the source's observations: tracked once per new observation,
        // not on every request.
        if (newObservation)
        {
            _missingSubscriptions.Record(state, observations, signal);
        }

        return signal;
    }

    /// <summary>Re-evaluates a target from what the subjects hold now, without fetching; publishes to watchers.</summary>
    private void EvaluateTracked(TargetState state)
    {
        try
        {
            var subjects = _subjects.KnownTopicsOf(state);
            if (subjects is null)
            {
                return;
            }

            var now = _time.GetUtcNow();
            var observations = new List<TopicObservation>(subjects.Count);
            foreach (var subject in subjects)
            {
                if (subject.Serve(now, _options) is not { } sample)
                {
                    return;
                }

                observations.Add(subject.Observe(sample));
            }

            CheckPartitionHint(state, observations);
            var runner = _subjects.RunnerOf(state)?.Held(now, _options)?.Value;
            var signal = Evaluate(state, observations, runner, now);
            state.Publish(signal.IsActive);
        }
        catch (ScalingException)
        {
            // Unknown state is not a transition: watchers hear nothing until the data is good again.
        }
    }

    private void Evict(DateTimeOffset now)
    {
        var cutoff = now - _options.IdleEviction;

        // A subject is kept while any tracked target may need it (watched targets are not requested, only listened to).
        var watched = _targets.Evict(cutoff);
        _subjects.Evict(cutoff, watched);
        _missingSubscriptions.Evict(_subjects.IsPolled);
        _learning.Evict(cutoff);
    }
}
