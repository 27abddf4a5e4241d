namespace MeshScaler.Engine;

/// <summary>
/// How often sources are polled and how old an answer may be. Bound from <c>MeshScaler:Pulsar</c>
/// (<c>PollInterval</c>, <c>MaxStaleness</c>, <c>IdleEviction</c>, <c>TopicListRefresh</c>).
/// </summary>
public sealed class SignalStoreOptions
{
    public const string SectionName = "MeshScaler:Pulsar";

    /// <summary>One upstream fetch per subject per interval. Default 5 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Values older than this are not served; the call fails with UNAVAILABLE instead. Default 60 s.</summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A subject nobody asked about for this long stops being polled. Default 10 min.</summary>
    public TimeSpan IdleEviction { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a <c>topicPattern</c> namespace's topic list is re-read. Default 1 min.</summary>
    public TimeSpan TopicListRefresh { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Upstream fetches running at once during a poll. Default 32.</summary>
    public int MaxConcurrentFetches { get; set; } = 32;
}
