namespace MeshScaler.Prometheus;

/// <summary><c>MeshScaler:RunnerMetrics</c>: how the runner pods' metrics endpoints are scraped.</summary>
public sealed class RunnerScrapeOptions
{
    public const string SectionName = "MeshScaler:RunnerMetrics";

    /// <summary>One scrape's budget, connection included: a pod that does not answer within it failed this round.</summary>
    public TimeSpan ScrapeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Scrapes in flight at once, across every Function: a 1,000-pod round must not open 1,000 connections.</summary>
    public int MaxConcurrentScrapes { get; set; } = 64;

    /// <summary>Ask for OpenMetrics (Java and Go runners answer it); text 0.0.4 otherwise. Either is parsed.</summary>
    public bool OpenMetrics { get; set; }

    /// <summary>A larger exposition is refused: a runner's page is a few KiB, and a scrape must not exhaust memory.</summary>
    public int MaxExpositionBytes { get; set; } = 4 * 1024 * 1024;
}
