namespace MeshScaler.Core;

/// <summary>
/// One runner pod's rates over the interval between two scrapes (Prometheus's <c>rate()</c> over two points). A
/// counter that went down is a reset (the runner restarted): its increase is its new value, as Prometheus counts it,
/// and <see cref="CounterReset"/> says so. A rate is null when either scrape lacked that counter.
/// </summary>
public sealed record RunnerRate(
    string Pod,
    double? ProcessedPerSecond,
    double? ReceivedPerSecond,
    double? UserExceptionsPerSecond,
    double? SystemExceptionsPerSecond,
    double? MeanLatencyMs,
    bool CounterReset,
    TimeSpan Interval)
{
    /// <summary>
    /// The rates from <paramref name="previous"/> to <paramref name="current"/> of the same pod; null when the two are
    /// not a usable pair (another pod, another instance, no time between them).
    /// </summary>
    public static RunnerRate? Between(RunnerSample previous, RunnerSample current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        var interval = current.ScrapedAt - previous.ScrapedAt;
        if (interval <= TimeSpan.Zero || previous.Pod != current.Pod || previous.InstanceId != current.InstanceId)
        {
            return null;
        }

        var reset = false;
        var seconds = interval.TotalSeconds;
        double? Rate(double? before, double? now)
        {
            if (Increase(before, now, ref reset) is not { } increase)
            {
                return null;
            }

            return increase / seconds;
        }

        var processed = Rate(previous.Processed, current.Processed);
        var received = Rate(previous.Received, current.Received);
        var user = Rate(previous.UserExceptions, current.UserExceptions);
        var system = Rate(previous.SystemExceptions, current.SystemExceptions);

        // The mean latency of what was processed in the interval: the summary's sum over its count, both as increases.
        var sum = Increase(previous.LatencySumMs, current.LatencySumMs, ref reset);
        var count = Increase(previous.LatencyCount, current.LatencyCount, ref reset);
        double? latency = sum is { } s && count is { } c && c > 0 ? s / c : null;
        return new RunnerRate(current.Pod, processed, received, user, system, latency, reset, interval);
    }

    private static double? Increase(double? before, double? now, ref bool reset)
    {
        if (before is not { } b || now is not { } n || !double.IsFinite(b) || !double.IsFinite(n))
        {
            return null;
        }

        if (n < b)
        {
            reset = true;
            return n;
        }

        return n - b;
    }
}
