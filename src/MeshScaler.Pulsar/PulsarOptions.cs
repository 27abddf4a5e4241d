namespace MeshScaler.Pulsar;

/// <summary>
/// Pulsar admin access, bound from the configuration section <c>MeshScaler:Pulsar</c>. Other keys of that section
/// (PollInterval, MaxStaleness, IdleEviction) belong to the engine and are ignored here.
/// </summary>
public sealed class PulsarOptions
{
    /// <summary>The configuration section this class is bound from.</summary>
    public const string SectionName = "MeshScaler:Pulsar";

    /// <summary>Timeout of one HTTP attempt (redirect hops included). Default 2 s; must be positive.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries after a transient failure (connect error, timeout, 5xx, 408, 429); other 4xx are never retried. Default 2; 0 to 10.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// Allowed clusters by name (case-insensitive). Empty (the default) means any http(s) admin URL a ScaledObject
    /// names is called without credentials, and a warning is logged at start.
    /// </summary>
    public Dictionary<string, PulsarClusterOptions> Clusters { get; } = new(StringComparer.OrdinalIgnoreCase);
}
