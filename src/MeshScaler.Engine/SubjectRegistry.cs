using System.Collections.Concurrent;
using MeshScaler.Core;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Engine;

/// <summary>
/// Every subject the store polls, one per upstream question however many targets ask it: created by the first target
/// that needs it, found for a target, and evicted once no request asked within IdleEviction and no watched target reads it.
/// </summary>
internal sealed class SubjectRegistry
{
    private readonly ConcurrentDictionary<(string Cluster, TopicName Topic), TopicSubject> _topics = new();
    private readonly ConcurrentDictionary<(string Cluster, string Namespace), NamespaceSubject> _namespaces = new();
    private readonly ConcurrentDictionary<FunctionRef, RunnerSubject> _runners = new();
    private readonly IPulsarAdmin _admin;
    private readonly IFunctionDirectory? _functions;
    private readonly IRunnerScraper? _scraper;
    private readonly TimeProvider _time;
    private readonly UpstreamTelemetry _telemetry;
    private readonly SignalStoreOptions _options;
    private readonly ILogger _logger;

    /// <summary>Counts evictions: a target's remembered subjects are good while it has not moved.</summary>
    private long _evictions;

    public SubjectRegistry(
        IPulsarAdmin admin, IFunctionDirectory? functions, IRunnerScraper? scraper, TimeProvider time,
        UpstreamTelemetry telemetry, SignalStoreOptions options, ILogger logger)
    {
        _admin = admin;
        _functions = functions;
        _scraper = scraper;
        _time = time;
        _telemetry = telemetry;
        _options = options;
        _logger = logger;
    }

    public int TopicCount => _topics.Count;

    public int NamespaceCount => _namespaces.Count;

    public int RunnerCount => _runners.Count;

    public IEnumerable<RunnerSubject> Runners => _runners.Values;

    /// <summary>Every subject of every kind, for the poll loop.</summary>
    public IEnumerable<ISubject> All => _namespaces.Values.Cast<ISubject>().Concat(_topics.Values).Concat(_runners.Values);

    public bool IsPolled(string cluster, TopicName topic) => _topics.ContainsKey((cluster, topic));

    /// <summary>
    /// The target's topic subjects for a request: a pattern's listing is fetched when cold (shared by every caller)
    /// and must match something.
    /// </summary>
    public async ValueTask<IReadOnlyList<TopicSubject>> TopicsOfAsync(TargetState state, DateTimeOffset now, CancellationToken stopping, CancellationToken cancellationToken)
    {
        if (state.Target.Topics is not TopicPattern pattern)
        {
            return KnownTopicsOf(state)!;
        }

        var ns = Namespace(state.Cluster, pattern);
        var listing = await ns.GetAsync(_options, now, stopping, cancellationToken);
        var matched = Matching(state.Cluster, pattern, listing.Value);
        return matched.Count > 0
            ? matched
            : throw new ScalingException(
                ScalingErrorKind.NotFound,
                $"cluster '{state.Cluster.Name}': topicPattern {pattern.Key} matches no topic in namespace {ns.Name}");
    }

    /// <summary>
    /// A target's topic subjects from what is held, without fetching. Missing subjects are created so the next poll
    /// fetches them (a watched target may never be requested again). Null while a pattern's topic list is not known
    /// or matches nothing.
    /// </summary>
    /// <remarks>
    /// A topic list's subjects are remembered on the target until any subject is evicted (then found again, and created
    /// again if need be): a read then looks nothing up. The eviction count is read before the look-ups, so a subject
    /// evicted during them makes the next read look again.
    /// </remarks>
    public IReadOnlyList<TopicSubject>? KnownTopicsOf(TargetState state)
    {
        switch (state.Target.Topics)
        {
            case TopicList list:
                var evictions = Interlocked.Read(ref _evictions);
                if (state.TopicSubjects is { } known && known.Evictions == evictions)
                {
                    return known.Value;
                }

                var subjects = new TopicSubject[list.Topics.Count];
                for (var i = 0; i < subjects.Length; i++)
                {
                    subjects[i] = Topic(state.Cluster, list.Topics[i]);
                }

                state.TopicSubjects = new Remembered<IReadOnlyList<TopicSubject>>(evictions, subjects);
                return subjects;

            case TopicPattern pattern:
                var matched = Namespace(state.Cluster, pattern).Serve(_time.GetUtcNow(), _options) is { } listing
                    ? Matching(state.Cluster, pattern, listing.Value)
                    : null;
                return matched is { Count: > 0 } ? matched : null;

            default:
                return null;
        }
    }

    /// <summary>
    /// The Function's runner subject when the target's capacity mode reads runner metrics and a directory and scraper
    /// exist; null otherwise (the per-replica rate is then inferred, or given by <c>msgRatePerReplica</c>).
    /// </summary>
    private RunnerSubject? RunnerOf(ScaleTarget target)
    {
        if (target.Mode != ScalingMode.Capacity || !target.UsesRunnerMetrics || target.MsgRatePerReplica is not null || _functions is null || _scraper is null)
        {
            return null;
        }

        return _runners.GetOrAdd(target.Function!, static (f, registry) => new RunnerSubject(f, registry._functions!, registry._scraper!, registry._time, registry._telemetry), this);
    }

    /// <summary>
    /// A tracked target's runner subject, remembered on the target as its topic subjects are (<see cref="KnownTopicsOf"/>):
    /// found again only after an eviction.
    /// </summary>
    public RunnerSubject? RunnerOf(TargetState state)
    {
        var evictions = Interlocked.Read(ref _evictions);
        if (state.Runner is { } known && known.Evictions == evictions)
        {
            return known.Value;
        }

        var runner = RunnerOf(state.Target);
        state.Runner = new Remembered<RunnerSubject?>(evictions, runner);
        return runner;
    }

    /// <summary>Drops the subjects not requested since <paramref name="cutoff"/> that no watched target reads.</summary>
    public void Evict(DateTimeOffset cutoff, IReadOnlyList<TargetState> watched)
    {
        Evict(_topics, cutoff, watched);
        Evict(_namespaces, cutoff, watched);
        Evict(_runners, cutoff, watched);
    }

    private void Evict<TKey, TSubject>(ConcurrentDictionary<TKey, TSubject> subjects, DateTimeOffset cutoff, IReadOnlyList<TargetState> watched)
        where TKey : notnull
        where TSubject : ISubject
    {
        foreach (var (key, subject) in subjects)
        {
            if (subject.LastRequested < cutoff && !watched.Any(subject.UsedBy) && subjects.TryRemove(key, out _))
            {
                // Counted after the removal, and KnownTopicsOf reads the count before it looks: a target that found
                // this subject before the removal remembered it under the old count, so looks again on its next read.
                Interlocked.Increment(ref _evictions);
                EngineLog.SubjectEvicted(_logger, subject.Name, subject.Cluster.Name);
            }
        }
    }

    private TopicSubject Topic(PulsarClusterRef cluster, TopicName topic, int? knownPartitions = null)
    {
        var subject = _topics.GetOrAdd((cluster.Name, topic), key => new TopicSubject(cluster, key.Topic, _admin, _time, _telemetry));
        if (knownPartitions is { } known)
        {
            subject.KnowPartitions(known);
        }

        return subject;
    }

    private NamespaceSubject Namespace(PulsarClusterRef cluster, TopicPattern pattern) =>
        _namespaces.GetOrAdd(
            (cluster.Name, $"{pattern.Tenant}/{pattern.Namespace}"),
            _ => new NamespaceSubject(cluster, pattern.Tenant, pattern.Namespace, _admin, _time, _telemetry));

    /// <summary>The subjects of a namespace listing's topics that match the pattern, in name order; partition counts come from the listing.</summary>
    private List<TopicSubject> Matching(PulsarClusterRef cluster, TopicPattern pattern, IReadOnlyDictionary<TopicName, int> listing) =>
        [.. listing.Where(kv => pattern.Matches(kv.Key))
            .OrderBy(kv => kv.Key.LocalName, StringComparer.Ordinal)
            .Select(kv => Topic(cluster, kv.Key, kv.Value))];
}

/// <summary>What a target found of its subjects (its topics, its runner or none) while <paramref name="Evictions"/> subjects had been evicted.</summary>
internal sealed record Remembered<T>(long Evictions, T Value);
