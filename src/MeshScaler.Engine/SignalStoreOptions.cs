namespace MeshScaler.Engine;

/// <summary>
/// How often sources are polled and how old an answer may be. Bound from <c>MeshScaler:Pulsar</c>
/// (<c>PollInterval</c>, <c>WakePollInterval</c>, <c>MaxStaleness</c>, <c>IdleEviction</c>, <c>TopicListRefresh</c>,
/// <c>MaxConcurrentFetches</c>).
/// </summary>
public sealed class SignalStoreOptions
{
    public const string SectionName = "MeshScaler:Pulsar";

    private static readonly TimeSpan DefaultWakePollInterval = TimeSpan.FromSeconds(1);
    private TimeSpan? _wakePollInterval;

    /// <summary>
    /// One upstream fetch per subject per interval. Default 5 s. A topic whose metric is read by a single trigger may
    /// add at most one more per interval over time, so the HPA reads fresh data (<see cref="ReadRefresh"/>).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the topics of a watched target (a KEDA <c>StreamIsActive</c> stream, the push path) are polled while
    /// that target is inactive, so a function at zero replicas wakes within about this long of its first message
    /// instead of within <see cref="PollInterval"/>. Once the target is active its topics go back to
    /// <see cref="PollInterval"/>; targets nobody watches are never polled faster. Default 1 s, or
    /// <see cref="PollInterval"/> when that is shorter (or the largest whole fraction of it under 1 s) when not set;
    /// must be greater than 0, at most <see cref="PollInterval"/> and divide it evenly.
    /// </summary>
    /// <remarks>
    /// Also the freshness bound of metric reads: a GetMetrics finding data this old fetches first and waits at most this
    /// long for it (<see cref="ReadRefresh"/>).
    /// Cost: one admin stats request per wake interval per topic of each idle pushed target (about one per second per
    /// idle pushed topic with the default), on top of the usual one per <see cref="PollInterval"/>. The poll loop ticks
    /// at this interval and decides per subject whether it is due.
    /// </remarks>
    public TimeSpan WakePollInterval
    {
        get => _wakePollInterval ?? DefaultFor(PollInterval);
        set => _wakePollInterval = value;
    }

    /// <summary>
    /// The default: the largest whole fraction of <paramref name="pollInterval"/> not above 1 s, so the poll loop, which
    /// ticks at the wake interval, still polls everything else exactly every <see cref="PollInterval"/>.
    /// </summary>
    private static TimeSpan DefaultFor(TimeSpan pollInterval) =>
        pollInterval <= DefaultWakePollInterval || pollInterval <= TimeSpan.Zero
            ? pollInterval
            : pollInterval / Math.Ceiling(pollInterval / DefaultWakePollInterval);

    /// <summary>Whether <see cref="WakePollInterval"/> was set rather than derived from its default.</summary>
    internal bool WakePollIntervalIsSet => _wakePollInterval is not null;

    /// <summary>
    /// Values older than this are not served; the call fails instead, with UNAVAILABLE, or with the last error's own
    /// kind when that was NOT_FOUND, PERMISSION_DENIED or UNAUTHENTICATED. Default 60 s.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A subject nobody asked about for this long stops being polled. Default 10 min.</summary>
    public TimeSpan IdleEviction { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a <c>topicPattern</c> namespace's topic list is re-read. Default 1 min.</summary>
    public TimeSpan TopicListRefresh { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Upstream fetches a poll round runs at once; metric-read refreshes (<see cref="ReadRefresh"/>) have a bound of the
    /// same size, shared by every read. Default 32.
    /// </summary>
    public int MaxConcurrentFetches { get; set; } = 32;
}
