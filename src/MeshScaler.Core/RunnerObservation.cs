namespace MeshScaler.Core;

/// <summary>
/// Scrapes one runner pod's metrics endpoint. Implementations throw <see cref="ScalingException"/> (Unavailable) naming
/// the pod for every failure: no IP yet, a refused connection, a timeout, an HTTP error, an unparsable exposition.
/// </summary>
public interface IRunnerScraper
{
    Task<RunnerSample> ScrapeAsync(RunnerPod pod, ComponentKind kind, string fqfn, CancellationToken cancellationToken);
}

/// <summary>One pod of one scrape round: its sample and its rates since the previous round, or why it failed.</summary>
public sealed record RunnerPodResult(string Pod, RunnerSample? Sample, RunnerRate? Rate, string? Error);

/// <summary>
/// One scrape round of a Function's runner pods: every pod the cluster has now (a pod that vanished is not here), each
/// with its rates since the previous round or its error. Aggregates are null when they cannot be known: a failed pod
/// makes the function's totals unknown, never smaller.
/// </summary>
public sealed record RunnerObservation(FunctionRef Function, IReadOnlyList<RunnerPodResult> Pods, DateTimeOffset FetchedAt)
{
    /// <summary>Pods that answered.</summary>
    public int Answered => Pods.Count(p => p.Sample is not null);

    /// <summary>Pods whose scrape failed.</summary>
    public int Failed => Pods.Count(p => p.Error is not null);

    /// <summary>Whether any pod's counters went down since the previous round (a runner restarted).</summary>
    public bool CounterReset => Pods.Any(p => p.Rate?.CounterReset == true);

    public double? ProcessedPerSecond => Total(r => r.ProcessedPerSecond);

    public double? ReceivedPerSecond => Total(r => r.ReceivedPerSecond);

    public double? UserExceptionsPerSecond => Total(r => r.UserExceptionsPerSecond);

    public double? SystemExceptionsPerSecond => Total(r => r.SystemExceptionsPerSecond);

    /// <summary>The mean process latency over the interval, weighted by each pod's processed messages.</summary>
    public double? MeanLatencyMs
    {
        get
        {
            double weighted = 0, processed = 0;
            foreach (var pod in Pods)
            {
                if (pod.Rate is { MeanLatencyMs: { } latency, ProcessedPerSecond: { } rate } && rate > 0)
                {
                    weighted += latency * rate;
                    processed += rate;
                }
            }

            return processed > 0 ? weighted / processed : null;
        }
    }

    /// <summary>
    /// What one replica processes (msg/s): the mean over the pods that answered with a rate, none restarted. A pod that
    /// failed or is new (no previous round) is left out of the mean, not counted as zero. Null without such a pod.
    /// </summary>
    public double? PerReplicaRate
    {
        get
        {
            double sum = 0;
            var count = 0;
            foreach (var pod in Pods)
            {
                if (pod.Rate is { CounterReset: false, ProcessedPerSecond: { } rate })
                {
                    sum += rate;
                    count++;
                }
                else if (pod.Rate?.CounterReset == true)
                {
                    // A runner that restarted mid-interval processed for part of it only: the round is no measure of capacity.
                    return null;
                }
            }

            return count > 0 ? sum / count : null;
        }
    }

    /// <summary>Why the per-replica rate is unknown, for errors: the failed pods, or no second round yet.</summary>
    public string Problem =>
        Pods.Count == 0 ? $"{Function} has no runner pods"
        : Pods.FirstOrDefault(p => p.Error is not null) is { } failed ? $"{Failed} of {Pods.Count} runner pods of {Function} failed, e.g. {failed.Error}"
        : CounterReset ? $"a runner pod of {Function} restarted in the last interval"
        : $"{Function}: no two scrapes of its runner pods yet";

    private double? Total(Func<RunnerRate, double?> rate)
    {
        if (Pods.Count == 0)
        {
            return null;
        }

        double total = 0;
        foreach (var pod in Pods)
        {
            if (pod.Rate is not { } r || rate(r) is not { } value)
            {
                return null;
            }

            total += value;
        }

        return total;
    }
}

/// <summary>Capacity from the runner pods' own processing rate, used by capacity mode in place of inference.</summary>
public static class RunnerCapacity
{
    /// <summary>
    /// Whether the signal shows the replicas saturated: a backlog worth at least
    /// <see cref="SignalCalculator.SaturatedBacklogSeconds"/> of processing at the out-rate. Only then is what a pod
    /// processes a measure of what it can process, not of the demand.
    /// </summary>
    public static bool Saturated(ScalingSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return signal.Backlog > 0 && signal.Backlog >= signal.OutRate * SignalCalculator.SaturatedBacklogSeconds;
    }
}
