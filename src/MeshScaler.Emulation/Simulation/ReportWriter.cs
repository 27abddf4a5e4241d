using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MeshScaler.Emulation.Simulation;

/// <summary>Writes a what-if run's files: <c>results.json</c>, <c>series.csv</c> and the self-contained <c>report.html</c>.</summary>
public static class ReportWriter
{
    public const string ResultsFile = "results.json";
    public const string SeriesFile = "series.csv";
    public const string HtmlFile = "report.html";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the three files into <paramref name="directory"/> (created if needed) and returns their paths.</summary>
    public static IReadOnlyList<string> WriteAll(WhatIfReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(directory);
        var results = Path.Combine(directory, ResultsFile);
        var series = Path.Combine(directory, SeriesFile);
        var html = Path.Combine(directory, HtmlFile);
        File.WriteAllText(results, ResultsJson(report.Results));
        File.WriteAllText(series, SeriesCsv(report.Series));
        File.WriteAllText(html, Html(report));
        return [html, series, results];
    }

    /// <summary>The results as a JSON array of objects with exactly the documented keys.</summary>
    public static string ResultsJson(IReadOnlyList<PolicyResult> results) =>
        JsonSerializer.Serialize(results, SimulationJsonContext.Default.IReadOnlyListPolicyResult) + "\n";

    /// <summary>One row per policy per sampled instant.</summary>
    public static string SeriesCsv(IReadOnlyList<SeriesPoint> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var csv = new StringBuilder("seconds,policy,inflow,backlog,lagSeconds,replicas,readyReplicas,processedPerSecond\n");
        foreach (var p in series)
        {
            csv.Append(Inv, $"{p.Seconds:0.###},{p.Policy},{p.Inflow:0.###},{p.Backlog},{p.Lag:0.###},{p.Replicas},{p.Ready},{p.Processed:0.###}\n");
        }

        return csv.ToString();
    }

    /// <summary>The self-contained page (see <see cref="ReportPage"/>).</summary>
    public static string Html(WhatIfReport report) => ReportPage.Render(report);
}
