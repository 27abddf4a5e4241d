using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>
/// One Function's runner pods: a scrape round of every pod the cluster has now (the pods are read from the watched
/// directory at each round, so a pod that vanished is dropped and a new one is scraped), with each pod's rates since
/// its previous sample. One round per poll interval however many targets read the Function (single flight).
/// </summary>
internal sealed class RunnerSubject : Subject<RunnerObservation>
{
    /// <summary>What runner scrapes are counted and logged under (their "cluster"): one label value, however many Functions.</summary>
    public static readonly PulsarClusterRef RunnerPods = new("runner-pods", new Uri("http://runner-pods"));

    private readonly IFunctionDirectory _directory;
    private readonly IRunnerScraper _scraper;
    private readonly TimeProvider _time;

    // Touched only by the fetch, and fetches never overlap (single flight).
    private Dictionary<string, RunnerSample> _previous = new(StringComparer.Ordinal);

    public RunnerSubject(FunctionRef function, IFunctionDirectory directory, IRunnerScraper scraper, TimeProvider time, UpstreamTelemetry telemetry)
        : base(RunnerPods, "runner", function.ToString(), time, telemetry)
    {
        Function = function;
        _directory = directory;
        _scraper = scraper;
        _time = time;
    }

    public FunctionRef Function { get; }

    protected override string Description => $"the runner pods' metrics of {Function}";

    public override bool UsedBy(TargetState target) => target.Target.Function == Function;

    protected override async Task<RunnerObservation> FetchAsync(CancellationToken cancellationToken)
    {
        var pods = _directory.Pods(Function);
        var fqfn = _directory.Resolve(Function).Fqfn;
        var scrapes = pods.Select(pod => ScrapeAsync(pod, fqfn, cancellationToken)).ToList();
        var outcomes = await Task.WhenAll(scrapes);
        var results = new List<RunnerPodResult>(outcomes.Length);
        var next = new Dictionary<string, RunnerSample>(StringComparer.Ordinal);
        foreach (var (pod, sample, error) in outcomes)
        {
            if (sample is null)
            {
                // A pod that failed this round keeps its last sample: its next good one gives a rate over both intervals.
                if (_previous.TryGetValue(pod, out var kept))
                {
                    next[pod] = kept;
                }

                results.Add(new RunnerPodResult(pod, null, null, error));
                continue;
            }

            var rate = _previous.TryGetValue(pod, out var before) ? RunnerRate.Between(before, sample) : null;
            next[pod] = sample;
            results.Add(new RunnerPodResult(pod, sample, rate, null));
        }

        _previous = next;
        if (results.Count > 0 && results.All(r => r.Error is not null))
        {
            throw new ScalingException(
                ScalingErrorKind.Unavailable,
                results.Count == 1 ? results[0].Error! : $"all {results.Count} runner pods of {Function} failed, e.g. {results[0].Error}");
        }

        return new RunnerObservation(Function, results, _time.GetUtcNow());
    }

    private async Task<(string Pod, RunnerSample? Sample, string? Error)> ScrapeAsync(RunnerPod pod, string fqfn, CancellationToken cancellationToken)
    {
        try
        {
            return (pod.Name, await _scraper.ScrapeAsync(pod, Function.Kind, fqfn, cancellationToken), null);
        }
        catch (ScalingException ex)
        {
            return (pod.Name, null, ex.Message);
        }
    }
}
