namespace MeshScaler.Core;

/// <summary>The latest good stats of one topic and when they were fetched, with the fetch before it when known.</summary>
/// <remarks>
/// The broker's rates are averages over a 60 s window recomputed once per window, so a burst shorter than a window is
/// never seen at its height and a replica that started mid-window looks slow. The cumulative counters are exact: the
/// difference between two fetches divided by the time between them is the true average rate over that interval.
/// <see cref="CounterRateIn"/> and <see cref="CounterRateOut"/> give that rate, or null when it cannot be known (no
/// previous fetch, a counter missing, a counter that went down because the topic was unloaded or its broker restarted,
/// or no time between the fetches); callers then use the broker's windowed rate.
/// </remarks>
public sealed record TopicObservation(TopicName Topic, TopicStats Stats, DateTimeOffset FetchedAt)
{
    /// <summary>The stats of the fetch before this one; null for the first.</summary>
    public TopicStats? Previous { get; init; }

    /// <summary>When <see cref="Previous"/> was fetched.</summary>
    public DateTimeOffset PreviousFetchedAt { get; init; }

    /// <summary>How long this fetch took (retries included); how uncertain <see cref="FetchedAt"/> is.</summary>
    public TimeSpan FetchDuration { get; init; }

    /// <summary>How long the previous fetch took.</summary>
    public TimeSpan PreviousFetchDuration { get; init; }

    /// <summary>The time between the previous fetch and this one; null without a previous fetch.</summary>
    public TimeSpan? Interval => Previous is null || FetchedAt <= PreviousFetchedAt ? null : FetchedAt - PreviousFetchedAt;

    /// <summary>Messages per second published over <see cref="Interval"/>, from <c>msgInCounter</c>; null when unknown.</summary>
    public double? CounterRateIn => Rate(Previous?.MsgInCounter, Stats.MsgInCounter);

    /// <summary>This observation following <paramref name="previous"/> (whose own history is dropped: one step is enough).</summary>
    public TopicObservation After(TopicObservation? previous) =>
        previous is null ? this : this with { Previous = previous.Stats, PreviousFetchedAt = previous.FetchedAt, PreviousFetchDuration = previous.FetchDuration };

    /// <summary>Messages per second dispatched to <paramref name="subscription"/> over <see cref="Interval"/>; null when unknown.</summary>
    public double? CounterRateOut(string subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (Previous is null
            || !Previous.Subscriptions.TryGetValue(subscription, out var before)
            || !Stats.Subscriptions.TryGetValue(subscription, out var now))
        {
            return null;
        }

        return Rate(before.MsgOutCounter, now.MsgOutCounter);
    }

    private double? Rate(long? before, long? now)
    {
        // A decrease is a reset (unload, restart, consumers reconnecting): the delta means nothing across it.
        if (before is not { } b || now is not { } n || n < b || Interval is not { } interval)
        {
            return null;
        }

        // The counters were read at some instant within each fetch; when fetches (a slow broker, a retry) take more than a
        // tenth of the interval, the interval itself is too uncertain for an exact rate.
        if (FetchDuration + PreviousFetchDuration > interval / 10)
        {
            return null;
        }

        return (n - b) / interval.TotalSeconds;
    }
}
