using System.Globalization;
using System.Net;
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

    private static readonly Dictionary<string, string> Colors = new(StringComparer.Ordinal)
    {
        [PolicyIds.KedaBacklog] = "#d9480f",
        [PolicyIds.CpuHpa] = "#868e96",
        [PolicyIds.MeshScalerBacklog] = "#1c7ed6",
        [PolicyIds.MeshScalerCapacity] = "#2b8a3e",
    };

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

    /// <summary>A self-contained page: inline SVG charts, the results table and the notes. No script, no external resource.</summary>
    public static string Html(WhatIfReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        var title = $"MeshScaler what-if: {report.Workload}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Encode(title)).Append("</title>\n");
        html.Append("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#212529}table{border-collapse:collapse}")
            .Append("td,th{border:1px solid #dee2e6;padding:4px 8px;text-align:right}th{background:#f1f3f5}td:first-child{text-align:left}")
            .Append("svg{background:#fff;border:1px solid #dee2e6;margin:.5em 0}.legend span{margin-right:1.5em}</style></head><body>\n");
        html.Append("<h1>").Append(Encode(title)).Append("</h1>\n");
        html.Append(Inv, $"<p>{report.Options.Duration.TotalHours:0.##} h simulated, seed {report.Options.Seed}, lag SLO {report.Options.LagSlo.TotalSeconds:0.#} s.</p>\n");
        html.Append("<h2>Results</h2>\n<table><tr><th>policy</th><th>replica-seconds</th><th>lag p50 (s)</th><th>p95</th><th>p99</th><th>max</th><th>wake (s)</th><th>activation (s)</th><th>scale events</th><th>s over SLO</th></tr>\n");
        foreach (var r in report.Results)
        {
            html.Append(Inv, $"<tr><td>{Encode(r.Policy)}</td><td>{r.ReplicaSeconds:0}</td><td>{Num(r.LagP50)}</td><td>{Num(r.LagP95)}</td><td>{Num(r.LagP99)}</td><td>{Num(r.LagMax)}</td><td>{Num(r.WakeSeconds)}</td><td>{Num(r.ActivationSeconds)}</td><td>{r.ScaleEvents}</td><td>{r.SecondsOverSlo:0}</td></tr>\n");
        }

        html.Append("</table>\n<p class=\"legend\">");
        foreach (var policy in PolicyIds.All)
        {
            html.Append("<span style=\"color:").Append(Colors[policy]).Append("\">&#9632; ").Append(policy).Append("</span>");
        }

        html.Append("</p>\n");
        var inflow = report.Series.Where(p => p.Policy == PolicyIds.All[0]).Select(p => (p.Seconds, p.Inflow)).ToList();
        html.Append("<h2>Inflow (msg/s)</h2>\n").Append(Chart([("inflow", "#495057", inflow)]));
        AppendChart(html, report, "Backlog (messages)", p => p.Backlog);
        AppendChart(html, report, "Lag: age of the oldest waiting message (s)", p => p.Lag);
        AppendChart(html, report, "Replicas (requested)", p => p.Replicas);
        html.Append("<h2>Notes</h2>\n<ul>\n");
        foreach (var note in report.Notes)
        {
            html.Append("<li>").Append(Encode(note)).Append("</li>\n");
        }

        html.Append("</ul>\n</body></html>\n");
        return html.ToString();
    }

    private static void AppendChart(StringBuilder html, WhatIfReport report, string title, Func<SeriesPoint, double> select)
    {
        var lines = PolicyIds.All
            .Select(policy => (policy, Colors[policy], report.Series.Where(p => p.Policy == policy).Select(p => (p.Seconds, select(p))).ToList()))
            .ToList();
        html.Append("<h2>").Append(Encode(title)).Append("</h2>\n").Append(Chart(lines));
    }

    private static string Chart(IReadOnlyList<(string Name, string Color, List<(double X, double Y)> Points)> lines)
    {
        const double Width = 1000, Height = 220, Left = 60, Bottom = 25, Top = 10;
        var maxX = Math.Max(1, lines.SelectMany(l => l.Points).Select(p => p.X).DefaultIfEmpty(1).Max());
        var maxY = Math.Max(1e-9, lines.SelectMany(l => l.Points).Select(p => p.Y).DefaultIfEmpty(1).Max());
        var svg = new StringBuilder();
        svg.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\">");
        svg.Append(Inv, $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width}\" y2=\"{Height - Bottom}\" stroke=\"#adb5bd\"/>");
        svg.Append(Inv, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#adb5bd\"/>");
        svg.Append(Inv, $"<text x=\"{Left - 5}\" y=\"{Top + 10}\" font-size=\"11\" text-anchor=\"end\">{maxY:0.#}</text>");
        svg.Append(Inv, $"<text x=\"{Left - 5}\" y=\"{Height - Bottom}\" font-size=\"11\" text-anchor=\"end\">0</text>");
        for (var i = 0; i <= 6; i++)
        {
            var x = Left + ((Width - Left - 10) * i / 6);
            svg.Append(Inv, $"<text x=\"{x:0.#}\" y=\"{Height - 8}\" font-size=\"11\" text-anchor=\"middle\">{maxX * i / 6 / 60:0.#} min</text>");
        }

        foreach (var (name, color, points) in lines)
        {
            svg.Append("<polyline fill=\"none\" stroke-width=\"1.2\" stroke=\"").Append(color).Append("\" points=\"");
            foreach (var (x, y) in points)
            {
                var px = Left + ((Width - Left - 10) * x / maxX);
                var py = Height - Bottom - ((Height - Bottom - Top) * y / maxY);
                svg.Append(Inv, $"{px:0.#},{py:0.#} ");
            }

            svg.Append("\"><title>").Append(Encode(name)).Append("</title></polyline>");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static string Num(double? value) => value is { } v ? v.ToString("0.#", Inv) : "–";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
