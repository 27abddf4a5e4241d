namespace MeshScaler.Prometheus;

/// <summary>The two Prometheus exposition formats a runner may answer in.</summary>
public enum ExpositionFormat
{
    /// <summary><c>text/plain; version=0.0.4</c>: what every runner answers unless asked otherwise.</summary>
    Text,

    /// <summary><c>application/openmetrics-text</c>: Java and Go runners answer it when the Accept header asks for it.</summary>
    OpenMetrics,
}

/// <summary>Content negotiation for runner scrapes.</summary>
public static class ExpositionFormats
{
    /// <summary>What a scrape asks for: text 0.0.4 only, as Prometheus itself did before OpenMetrics.</summary>
    public const string TextAccept = "text/plain;version=0.0.4;q=1,*/*;q=0.1";

    /// <summary>What a scrape asks for when OpenMetrics is wanted, text 0.0.4 being the fallback.</summary>
    public const string OpenMetricsAccept = "application/openmetrics-text;version=1.0.0;q=1,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /// <summary>The format of a response, from its Content-Type: OpenMetrics only when it says so.</summary>
    public static ExpositionFormat FromContentType(string? contentType) =>
        contentType is not null && contentType.TrimStart().StartsWith("application/openmetrics-text", StringComparison.OrdinalIgnoreCase)
            ? ExpositionFormat.OpenMetrics
            : ExpositionFormat.Text;
}
