using System.Collections.Concurrent;
using MeshScaler.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshScaler.Engine;

/// <summary>
/// The shared signal cache: answers "what is the signal of this target now" from the latest polled stats, with one
/// upstream fetch per subject per poll interval however many callers ask (a topic whose metric is read by a single
/// trigger may add at most one more per interval over time, to keep the HPA's reads fresh: <see cref="ReadRefresh"/>).
/// </summary>
/// <remarks>
/// <para>Subjects ((cluster, topic) stats and (cluster, namespace) topic lists) are created by the first request,
/// polled by <see cref="PollOnceAsync"/> every <see cref="SignalStoreOptions.PollInterval"/> while requested (every
/// <see cref="SignalStoreOptions.WakePollInterval"/> while a watched target using them is inactive), and
/// dropped after <see cref="SignalStoreOptions.IdleEviction"/> without a request. A cold request waits for the first
/// fetch (shared by every concurrent caller) within the caller's own deadline.</para>
/// <para>A value is served while it is at most <see cref="SignalStoreOptions.MaxStaleness"/> old, even while upstream
/// is failing; past that the request fails (UNAVAILABLE, or the last error's own kind such as NOT_FOUND), never
/// answering a zero or "inactive" it does not know.</para>
/// <para>Each topic subject keeps its previous fetch, so observations carry exact rates derived from Pulsar's counters
/// over the real interval between fetches (stamped by the injected clock), falling back to the broker's windowed rates
/// on a reset or a missing counter (<see cref="TopicObservation"/>).</para>
/// <para>Per-replica rates are learned per (cluster, topics, subscription), once per new observation, and shared by
/// every target on that source.</para>
/// </remarks>
public sealed partial class SignalStore : IDisposable
{
    private readonly IPulsarAdmin _admin;
    private readonly IPulsarClusterResolver _clusters;
    private readonly TimeProvider _time;
    private readonly ILogger<SignalStore> _logger;
    private readonly EngineMetrics _metrics;
    private readonly SignalStoreOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;
    private readonly ConcurrentDictionary<(string Cluster, TopicName Topic), TopicSubject> _topics = new();
    private readonly ConcurrentDictionary<(string Cluster, string Namespace), NamespaceSubject> _namespaces = new();
    private readonly ConcurrentDictionary<string, TargetState> _targets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Learning> _learning = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Cluster, TopicName Topic, string Subscription), byte> _missingSubscriptions = new();
    private readonly ConcurrentDictionary<FunctionRef, RunnerSubject> _runners = new();
    private readonly IFunctionDirectory? _functions;

    /// <summary>What runner scrapes are counted and logged under (their "cluster"): one label value, however many Functions.</summary>
    private static readonly PulsarClusterRef RunnerPods = new("runner-pods", new Uri("http://runner-pods"));
    private readonly IRunnerScraper? _scraper;

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
        _functions = functions;
        _scraper = scraper;
        _admin = admin;
        _clusters = clusters;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _stoppingToken = _stopping.Token;
        _readFetches = new SemaphoreSlim(_options.MaxConcurrentFetches);
        _metrics.Attach(this);
    }

    public SignalStoreOptions Options => _options;

    internal int TopicSubjectCount => _topics.Count;

    internal int NamespaceSubjectCount => _namespaces.Count;

    internal int RunnerSubjectCount => _runners.Count;

    /// <summary>Every Function whose runner pods are scraped, with its latest round while within MaxStaleness.</summary>
    internal IEnumerable<(FunctionRef Function, RunnerObservation Observation)> RunnerObservations
    {
        get
        {
            var now = _time.GetUtcNow();
            foreach (var runner in _runners.Values)
            {
                if (runner.Metrics.Latest is { } latest && now - latest.FetchedAt <= _options.MaxStaleness)
                {
                    yield return (runner.Function, latest.Value);
                }
            }
        }
    }

    internal int TargetCount => _targets.Count;

    internal IEnumerable<TargetState> Targets => _targets.Values;

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

    internal IEnumerable<(string Cluster, TopicName Topic, string Subscription)> MissingSubscriptions => _missingSubscriptions.Keys;

    /// <summary>
    /// Validates that the target's cluster is allowed, without calling the source. Throws
    /// <see cref="ScalingException"/> (InvalidArgument) when it is not.
    /// </summary>
    public PulsarClusterRef ResolveCluster(ScaleTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return _clusters.Resolve(target.AdminUrl, target.ClusterName);
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
        var state = Track(target);
        var subjects = await ResolveTopicsAsync(state, cancellationToken);
        var observations = new TopicObservation[subjects.Count];
        var now = _time.GetUtcNow();
        if (forMetric)
        {
            await RefreshForReadAsync(target, subjects, now, cancellationToken);
        }

        List<Task>? cold = null;
        for (var i = 0; i < subjects.Count; i++)
        {
            var subject = subjects[i];
            subject.Stats.Touch();
            var observation = TryServe(subject);
            if (observation is not null)
            {
                observations[i] = observation;
                continue;
            }

            // Never succeeded: answer the last failure while it is fresh instead of asking upstream again per call.
            if (!subject.Stats.IsFetching && subject.Stats.LastError is { } failure &&
                now - subject.Stats.LastFetchStarted < _options.PollInterval)
            {
                throw failure.Error;
            }

            (cold ??= []).Add(FillColdAsync(subject, observations, i, cancellationToken));
        }

        if (cold is not null)
        {
            await Task.WhenAll(cold);
        }

        CheckPartitionHint(state, observations);
        var runner = await RunnerObservationAsync(state.Target, cancellationToken);
        return Evaluate(state, observations, runner);
    }

    /// <summary>
    /// The target's runner-pod round when capacity mode reads runner metrics: the latest while fresh, else one fetch
    /// shared by every caller. With <c>runnerMetrics: auto</c> a failure is null (the rate is inferred instead); with
    /// <c>true</c> it fails the request.
    /// </summary>
    private async ValueTask<RunnerObservation?> RunnerObservationAsync(ScaleTarget target, CancellationToken cancellationToken)
    {
        if (RunnerSubjectOf(target) is not { } runner)
        {
            return null;
        }

        runner.Metrics.Touch();
        var now = _time.GetUtcNow();
        if (runner.Metrics.Latest is { } latest && now - latest.FetchedAt <= _options.MaxStaleness)
        {
            return latest.Value;
        }

        try
        {
            if (runner.Metrics.LastError is { } failure && !runner.Metrics.IsFetching && now - runner.Metrics.LastFetchStarted < _options.PollInterval)
            {
                throw failure.Error;
            }

            return await runner.Metrics.RefreshAsync(_stoppingToken).WaitAsync(cancellationToken);
        }
        catch (ScalingException) when (target.RunnerMetrics == RunnerMetricsMode.Auto)
        {
            return null;
        }
    }

    /// <summary>The held runner round, without fetching (the poll loop); null when none is fresh or it is not used.</summary>
    private RunnerObservation? HeldRunnerObservation(ScaleTarget target) =>
        RunnerSubjectOf(target) is { Metrics.Latest: { } latest } && _time.GetUtcNow() - latest.FetchedAt <= _options.MaxStaleness
            ? latest.Value
            : null;

    /// <summary>The Function's runner subject when capacity mode reads its runner metrics and a directory and scraper exist.</summary>
    private RunnerSubject? RunnerSubjectOf(ScaleTarget target)
    {
        if (target.Mode != ScalingMode.Capacity || !target.UsesRunnerMetrics || target.MsgRatePerReplica is not null || _functions is null || _scraper is null)
        {
            return null;
        }

        var function = target.Function!;
        return _runners.GetOrAdd(function, f => new RunnerSubject(
            f, _functions, _scraper, _time,
            (failure, recovered) => Observe(RunnerPods, "runner", f.ToString(), failure?.Error, failure?.Unexpected ?? false, recovered)));
    }

    /// <summary>Subscribes to the target's activity transitions; the poll loop publishes them.</summary>
    public SignalWatch Watch(ScaleTarget target)
    {
        while (true)
        {
            var state = Track(target);
            if (state.AddWatcher(out var remove) is { } reader)
            {
                // Attached before any eviction could retire the state; eviction now keeps it while the watch lives.
                return new SignalWatch(reader, remove);
            }

            // Retired by an eviction that has not removed it yet: remove it here and track a new one.
            _targets.TryRemove(new KeyValuePair<string, TargetState>(target.Key, state));
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
            Log.EvaluationFailed(_logger, "(eviction)", ex);
        }

        // A watched target may never be requested again: make sure its subjects exist so this round fetches them. Those of
        // a watched target not known to be active are polled every WakePollInterval, so a pushed wake-up from zero is
        // not held back by PollInterval; collected once per round, not searched for per subject.
        var wakePolling = _options.WakePollInterval < _options.PollInterval;
        HashSet<TopicSubject>? waking = null;
        foreach (var state in _targets.Values)
        {
            if (state.HasWatchers && KnownSubjects(state) is { } subjects && wakePolling && state.LastPushed != true)
            {
                (waking ??= []).UnionWith(subjects);
            }
        }

        using var gate = new SemaphoreSlim(_options.MaxConcurrentFetches);
        var fetches = new List<Task>();
        foreach (var ns in _namespaces.Values)
        {
            if (IsDue(ns.Topics.LastFetchStarted, ns.Topics.IsFetching, _options.TopicListRefresh, now))
            {
                fetches.Add(RefreshAsync(ns.Topics, gate, cancellationToken));
            }
        }

        foreach (var subject in _topics.Values)
        {
            // A failing subject is never probed faster than PollInterval: wake polling must not multiply the load on a
            // broker that is already struggling, or poll a missing topic every second.
            var wake = waking is not null && subject.Stats.LastError is null && waking.Contains(subject);
            var interval = wake ? _options.WakePollInterval : _options.PollInterval;
            if (IsDue(ScheduleFrom(subject), subject.Stats.IsFetching, interval, now))
            {
                fetches.Add(RefreshAsync(subject.Stats, gate, cancellationToken));
            }
        }

        foreach (var runner in _runners.Values)
        {
            if (IsDue(runner.Metrics.LastFetchStarted, runner.Metrics.IsFetching, _options.PollInterval, now))
            {
                fetches.Add(RefreshAsync(runner.Metrics, gate, cancellationToken));
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

        foreach (var state in _targets.Values)
        {
            try
            {
                EvaluateTracked(state);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One target's bug must not stop the others from being evaluated and notified.
                Log.EvaluationFailed(_logger, state.Target.MetricName, ex);
            }
        }
    }

    public void Dispose()
    {
        // Cancel only: fetches still running read the captured token, which stays valid after cancellation.
        _stopping.Cancel();
    }

    /// <summary>When the subject's poll schedule counts from: its last fetch, or the tick a read fetch was anchored to.</summary>
    private DateTimeOffset ScheduleFrom(TopicSubject subject)
    {
        var started = subject.Stats.LastFetchStarted;
        var anchor = subject.ReadFetchAnchor;
        return anchor < started && started - anchor < _options.WakePollInterval ? anchor : started;
    }

    /// <remarks>
    /// Due when the last fetch started at least 90 % of an interval ago: the slack keeps a timer that fires a little
    /// early from skipping a whole round, and a fetch already made in this interval is not repeated.
    /// </remarks>
    private static bool IsDue(DateTimeOffset lastStarted, bool fetching, TimeSpan interval, DateTimeOffset now)
    {
        if (fetching)
        {
            return false;
        }

        // Failed fetches count too: a subject that never succeeded is retried once per interval, not on every call.
        return now - lastStarted >= interval - (interval / 10);
    }

    private TargetState Track(ScaleTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var now = _time.GetUtcNow();
        if (_targets.TryGetValue(target.Key, out var existing))
        {
            existing.Touch(now);
            return existing;
        }

        var cluster = _clusters.Resolve(target.AdminUrl, target.ClusterName);
        var state = _targets.GetOrAdd(target.Key, _ => new TargetState(target, cluster, now));
        state.Touch(now);
        return state;
    }

    /// <summary>The target's subjects for a request: a pattern's listing is fetched when cold and must match something.</summary>
    private async ValueTask<IReadOnlyList<TopicSubject>> ResolveTopicsAsync(TargetState state, CancellationToken cancellationToken)
    {
        if (state.Target.Topics is not TopicPattern pattern)
        {
            return KnownSubjects(state)!;
        }

        var ns = GetNamespaceSubject(state.Cluster, pattern);
        ns.Topics.Touch();
        var listing = ServeList(ns) ?? await ns.Topics.RefreshAsync(_stoppingToken).WaitAsync(cancellationToken);
        var matched = Matching(state.Cluster, pattern, listing);
        return matched.Count > 0
            ? matched
            : throw new ScalingException(
                ScalingErrorKind.NotFound,
                $"cluster '{state.Cluster.Name}': topicPattern {pattern.Key} matches no topic in namespace {ns.Name}");
    }

    private IReadOnlyDictionary<TopicName, int>? ServeList(NamespaceSubject ns)
    {
        var latest = ns.Topics.Latest;
        if (latest is null)
        {
            return null;
        }

        var age = _time.GetUtcNow() - latest.FetchedAt;
        if (age <= _options.TopicListRefresh + _options.MaxStaleness)
        {
            return latest.Value;
        }

        throw Stale(ns.Cluster, $"topic list of {ns.Name}", age, ns.Topics.LastError);
    }

    private TopicSubject GetTopicSubject(PulsarClusterRef cluster, TopicName topic, int? knownPartitions = null)
    {
        var subject = _topics.GetOrAdd(
            (cluster.Name, topic),
            key => new TopicSubject(cluster, key.Topic, _admin, _time, (failure, recovered) => Observe(cluster, "stats", key.Topic.FullName, failure?.Error, failure?.Unexpected ?? false, recovered)));
        if (knownPartitions is { } known)
        {
            subject.KnowPartitions(known);
        }

        return subject;
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

    private NamespaceSubject GetNamespaceSubject(PulsarClusterRef cluster, TopicPattern pattern) =>
        _namespaces.GetOrAdd(
            (cluster.Name, $"{pattern.Tenant}/{pattern.Namespace}"),
            key => new NamespaceSubject(cluster, pattern.Tenant, pattern.Namespace, _admin, _time,
                (failure, recovered) => Observe(cluster, "topics", key.Namespace, failure?.Error, failure?.Unexpected ?? false, recovered)));

    /// <summary>Metrics and logs for one real upstream fetch, whoever started it (a cold request or the poll loop).</summary>
    private void Observe(PulsarClusterRef cluster, string kind, string what, ScalingException? error, bool unexpected, bool previouslyFailed)
    {
        if (error is null)
        {
            _metrics.UpstreamRequest(cluster.Name, kind, "ok");
            if (previouslyFailed)
            {
                Log.SourceRecovered(_logger, what, cluster.Name);
            }

            return;
        }

        _metrics.UpstreamRequest(cluster.Name, kind, EngineMetrics.Outcome(error.Kind));
        if (unexpected)
        {
            Log.SourceBug(_logger, what, cluster.Name, error.InnerException ?? error);
        }
        else if (!previouslyFailed)
        {
            // One Warning per outage; repeats are Debug, and the upstream-requests metric carries the rate.
            Log.SourceFailed(_logger, what, cluster.Name, error.Message);
        }
        else
        {
            Log.SourceStillFailing(_logger, what, cluster.Name, error.Message);
        }
    }

    private TopicObservation? TryServe(TopicSubject subject)
    {
        var latest = subject.Stats.Latest;
        if (latest is null)
        {
            return null;
        }

        var age = _time.GetUtcNow() - latest.FetchedAt;
        if (age <= _options.MaxStaleness)
        {
            return subject.Observe(latest);
        }

        throw Stale(subject.Cluster, $"stats of {subject.Topic}", age, subject.Stats.LastError);
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
            var stats = subject.Stats;
            if (subject.ReadRefresh.ShouldFetch(target.Key, now, stats.Latest?.FetchedAt, stats.LastError is not null, _options))
            {
                subject.ReadFetchAnchor = now - lastRound < _options.WakePollInterval ? lastRound : now;

                // Never faults: failures are recorded by the subject, and the fetch outlives a caller that gives up.
                (refreshes ??= []).Add(RefreshAsync(stats, _readFetches, _stoppingToken));
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

    private async Task FillColdAsync(TopicSubject subject, TopicObservation[] observations, int index, CancellationToken cancellationToken)
    {
        var stats = await subject.Stats.RefreshAsync(_stoppingToken).WaitAsync(cancellationToken);
        var latest = subject.Stats.Latest;
        observations[index] = latest is not null && ReferenceEquals(latest.Value, stats)
            ? subject.Observe(latest)
            : new TopicObservation(subject.Topic, stats, latest?.FetchedAt ?? _time.GetUtcNow());
    }

    private ScalingException Stale(PulsarClusterRef cluster, string what, TimeSpan age, FetchFailure? failure)
    {
        var lastError = failure?.Error;
        // Not found or refused stays what it is; anything else (or no error yet) is an outage.
        var kind = lastError?.Kind is ScalingErrorKind.NotFound or ScalingErrorKind.PermissionDenied or ScalingErrorKind.Unauthenticated
            ? lastError.Kind
            : ScalingErrorKind.Unavailable;
        var reason = lastError is null ? "no successful poll since" : $"last error: {lastError.Message}";
        return new ScalingException(
            kind,
            $"cluster '{cluster.Name}': {what} is {age.TotalSeconds:0}s old, more than MaxStaleness {_options.MaxStaleness.TotalSeconds:0}s; {reason}",
            lastError);
    }

    /// <remarks>
    /// A target asked about again before anything new was observed and before its source learned a new rate gets the
    /// signal it got last time: the same observations and rate give the same signal, and the hot read path then takes no
    /// lock and computes nothing.
    /// </remarks>
    private ScalingSignal Evaluate(TargetState state, IReadOnlyList<TopicObservation> observations, RunnerObservation? runner)
    {
        var target = state.Target;

        // Rates measured on the runner pods and rates inferred from the subscription are learned apart: a trigger that
        // reads runner metrics must not be moved by one that infers, on the same source.
        var measured = RunnerSubjectOf(target) is not null;
        var learning = _learning.GetOrAdd(measured ? target.SourceKey + "|runner:" + target.Function : target.SourceKey, static _ => new Learning());
        var now = _time.GetUtcNow();
        learning.Touch(now);
        if (state.LastEvaluation is { } last && last.Rate == learning.Rate && last.Matches(observations, runner))
        {
            return last.Signal;
        }

        ScalingSignal signal;
        double? rate;
        bool observedFirst;
        lock (learning)
        {
            rate = learning.Rate;
            signal = SignalCalculator.Compute(target, observations, rate);

            // Learn once per new observation, whoever asks first; the signal is recomputed only if the rate it used moved.
            var newest = observations.Count == 0 ? DateTimeOffset.MinValue : observations.Max(o => o.FetchedAt);
            observedFirst = newest > learning.LastObserved;
            if (measured && runner is not null && runner.FetchedAt > learning.LastRunnerObserved)
            {
                // The pods' own processing rate, over an interval they were saturated at both ends of, replaces the
                // inference from the subscription's out-rate.
                var saturated = RunnerCapacity.Saturated(signal);
                var learned = saturated && learning.WasSaturated && runner.PerReplicaRate is { } perReplica ? RateLearner.ObserveExact(rate, perReplica) : rate;
                learning.LastRunnerObserved = runner.FetchedAt;
                learning.WasSaturated = saturated;
                learning.LastObserved = newest;
                if (learned != rate)
                {
                    learning.Rate = learned;
                    rate = learned;
                    signal = SignalCalculator.Compute(target, observations, learned);
                }
            }
            else if (observedFirst && (!measured || runner is null))
            {
                var learned = RateLearner.Observe(rate, signal);
                learning.LastObserved = newest;
                if (learned != rate)
                {
                    learning.Rate = learned;
                    rate = learned;
                    signal = SignalCalculator.Compute(target, observations, learned);
                }
            }
        }

        state.Offer(new Evaluation([.. observations], rate, signal, runner));

        // Which subscriptions are missing depends only on the source's observations: tracked once per new observation,
        // not on every request.
        if (observedFirst)
        {
            TrackMissingSubscriptions(state, observations, signal);
        }

        return signal;
    }

    private void TrackMissingSubscriptions(TargetState state, IReadOnlyList<TopicObservation> observations, ScalingSignal signal)
    {
        var target = state.Target;
        foreach (var topic in signal.MissingSubscriptionTopics)
        {
            if (_missingSubscriptions.TryAdd((state.Cluster.Name, topic, target.Subscription), 0))
            {
                Log.SubscriptionMissing(_logger, target.Subscription, topic.FullName, state.Cluster.Name);
            }
        }

        if (!_missingSubscriptions.IsEmpty)
        {
            foreach (var observation in observations)
            {
                if (!signal.MissingSubscriptionTopics.Contains(observation.Topic))
                {
                    _missingSubscriptions.TryRemove((state.Cluster.Name, observation.Topic, target.Subscription), out _);
                }
            }
        }
    }

    /// <summary>Re-evaluates a target from what the subjects hold now, without fetching; publishes to watchers.</summary>
    private void EvaluateTracked(TargetState state)
    {
        try
        {
            var subjects = KnownSubjects(state);
            if (subjects is null)
            {
                return;
            }

            var observations = new List<TopicObservation>(subjects.Count);
            foreach (var subject in subjects)
            {
                var observation = TryServe(subject);
                if (observation is null)
                {
                    return;
                }

                observations.Add(observation);
            }

            CheckPartitionHint(state, observations);
            var signal = Evaluate(state, observations, HeldRunnerObservation(state.Target));
            state.Publish(signal.IsActive);
        }
        catch (ScalingException)
        {
            // Unknown state is not a transition: watchers hear nothing until the data is good again.
        }
    }

    /// <summary>
    /// A target's subjects from what the store holds, without fetching. Missing subjects are created so the next poll
    /// fetches them (a watched target may never be requested again). Null while a pattern's topic list is not known
    /// or matches nothing.
    /// </summary>
    private List<TopicSubject>? KnownSubjects(TargetState state)
    {
        switch (state.Target.Topics)
        {
            case TopicList list:
                var subjects = new List<TopicSubject>(list.Topics.Count);
                foreach (var topic in list.Topics)
                {
                    subjects.Add(GetTopicSubject(state.Cluster, topic));
                }

                return subjects;

            case TopicPattern pattern:
                var matched = ServeList(GetNamespaceSubject(state.Cluster, pattern)) is { } listing
                    ? Matching(state.Cluster, pattern, listing)
                    : null;
                return matched is { Count: > 0 } ? matched : null;

            default:
                return null;
        }
    }

    /// <summary>The subjects of a namespace listing's topics that match the pattern, in name order; partition counts come from the listing.</summary>
    private List<TopicSubject> Matching(PulsarClusterRef cluster, TopicPattern pattern, IReadOnlyDictionary<TopicName, int> listing) =>
        [.. listing.Where(kv => pattern.Matches(kv.Key))
            .OrderBy(kv => kv.Key.LocalName, StringComparer.Ordinal)
            .Select(kv => GetTopicSubject(cluster, kv.Key, kv.Value))];

    private async Task RefreshAsync<T>(PolledValue<T> value, SemaphoreSlim gate, CancellationToken cancellationToken)
        where T : class
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await value.RefreshAsync(_stoppingToken);
        }
        catch (ScalingException)
        {
            // Recorded, counted and logged by the subject's observer; the last good value keeps being served.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            gate.Release();
        }
    }

    private void Evict(DateTimeOffset now)
    {
        var idle = _options.IdleEviction;
        foreach (var (key, state) in _targets)
        {
            // Retire and remove as one decision: a watch that attaches in between would otherwise never be pushed to.
            if (state.TryRetire(now - idle))
            {
                _targets.TryRemove(new KeyValuePair<string, TargetState>(key, state));
            }
        }

        // A subject is kept while any tracked target may need it (watched targets are not requested, only listened to).
        var watched = _targets.Values.Where(t => t.HasWatchers).ToList();
        foreach (var (key, subject) in _topics)
        {
            if (now - subject.Stats.LastRequested > idle && !watched.Any(t => Uses(t, subject.Cluster.Name, subject.Topic)))
            {
                _topics.TryRemove(key, out _);
                Log.SubjectEvicted(_logger, key.Topic.FullName, key.Cluster);
            }
        }

        foreach (var (key, ns) in _namespaces)
        {
            if (now - ns.Topics.LastRequested > idle && !watched.Any(t => t.Cluster.Name == key.Cluster && t.Target.Topics is TopicPattern p && $"{p.Tenant}/{p.Namespace}" == key.Namespace))
            {
                _namespaces.TryRemove(key, out _);
            }
        }

        foreach (var (function, runner) in _runners)
        {
            if (now - runner.Metrics.LastRequested > idle && !watched.Any(t => t.Target.Function == function))
            {
                _runners.TryRemove(function, out _);
            }
        }

        foreach (var key in _missingSubscriptions.Keys)
        {
            if (!_topics.ContainsKey((key.Cluster, key.Topic)))
            {
                _missingSubscriptions.TryRemove(key, out _);
            }
        }

        foreach (var (key, learning) in _learning)
        {
            if (now - learning.LastUsed > idle)
            {
                _learning.TryRemove(key, out _);
            }
        }
    }

    private static bool Uses(TargetState state, string cluster, TopicName topic) =>
        state.Cluster.Name == cluster && state.Target.Topics switch
        {
            TopicList list => list.Topics.Contains(topic),
            TopicPattern pattern => pattern.Matches(topic),
            _ => false,
        };

    /// <summary>
    /// What a source has learned. The rate is written under the instance's lock and read without it (stored as a double,
    /// NaN for none, so a read is never torn); the last use is an interlocked timestamp, stamped on every read.
    /// </summary>
    private sealed class Learning
    {
        private double _rate = double.NaN;
        private long _lastUsedTicks;

        public double? Rate
        {
            get => Volatile.Read(ref _rate) is var rate && double.IsNaN(rate) ? null : rate;
            set => Volatile.Write(ref _rate, value ?? double.NaN);
        }

        public DateTimeOffset LastObserved { get; set; } = DateTimeOffset.MinValue;

        /// <summary>When the runner round last learned from was fetched.</summary>
        public DateTimeOffset LastRunnerObserved { get; set; } = DateTimeOffset.MinValue;

        /// <summary>Whether the pods were saturated at that round: a measured rate needs saturation at both ends.</summary>
        public bool WasSaturated { get; set; }

        public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

        public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastUsedTicks, now.UtcTicks);
    }
}
