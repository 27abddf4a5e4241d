namespace MeshScaler.Pulsar;

/// <summary>Fixed resilience parameters; internal so tests can shorten them, not a configuration surface.</summary>
internal sealed record PulsarResilienceSettings
{
    public static PulsarResilienceSettings Default { get; } = new();

    /// <summary>First retry delay; doubles per retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public double FailureRatio { get; init; } = 0.5;

    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    public int MinimumThroughput { get; init; } = 5;

    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Redirects followed per request; one more is refused.</summary>
    public int MaxRedirects { get; init; } = 5;

    /// <summary>Largest response body read; stats of topics with many consumers run to a few hundred KB.</summary>
    public int MaxResponseBytes { get; init; } = 32 * 1024 * 1024;
}
