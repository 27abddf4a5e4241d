using System.Globalization;
using System.Net;
using System.Text;

namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// <c>report.html</c>: one self-contained page (inline SVG and CSS, no script, nothing fetched) that answers which
/// policy to run: the verdict first, then the results with the best value of each column marked and every column
/// defined, then the charts, then the notes.
/// </summary>
/// <remarks>
/// Backlog, lag and replicas are small multiples, one panel per policy. They share one scale unless one policy's peak
/// is over ten times another's, when each panel gets its own (and says so) so the smaller ones stay readable. The worst
/// burst, around the highest lag any policy had, is shown again over half an hour with every policy overlaid.
/// </remarks>
internal static class ReportPage
{
    private const double DwarfRatio = 10;
    private static readonly TimeSpan ZoomHalfWidth = TimeSpan.FromMinutes(15);
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, string> Colors = new(StringComparer.Ordinal)
    {
        [PolicyIds.KedaBacklog] = "#d9480f",
        [PolicyIds.CpuHpa] = "#868e96",
        [PolicyIds.MeshScalerBacklog] = "#1c7ed6",
        [PolicyIds.MeshScalerCapacity] = "#2b8a3e",
        [PolicyIds.MeshScalerHpa] = "#7048e8",
    };

    private static readonly (string Heading, string Definition)[] Columns =
    [
        ("replica-seconds", "The cost: replicas requested × seconds, summed over the run."),
        ("lag p50 / p95 / p99 / max", "Seconds each message waited from arriving to being processed, over every message."),
        ("wake", "Mean seconds from a first message with no replica running to it being processed."),
        ("activation", "Mean seconds from a first message with no replica to a replica being requested (the scaler's part of a wake)."),
        ("scale events", "Times the replica count changed."),
        ("s over SLO", "Seconds during which the oldest waiting message was older than the lag SLO."),
    ];

    public static string Render(WhatIfReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        var title = $"MeshScaler what-if: {report.Workload}";
        var slo = report.Options.LagSlo.TotalSeconds;
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Encode(title)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1040px;color:#212529;padding:0 1em}")
            .Append("table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #dee2e6;padding:4px 8px;text-align:right}")
            .Append("th{background:#f1f3f5}td:first-child,th:first-child{text-align:left}td.best{background:#d3f9d8;font-weight:600}")
            .Append(".verdict{border-left:6px solid #2b8a3e;background:#f8f9fa;padding:.8em 1.2em;margin:1em 0}.verdict.miss{border-color:#e8590c}")
            .Append(".results{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}dl{max-width:420px;font-size:.9em}dt{font-weight:600}dd{margin:0 0 .4em 0}")
            .Append(".panels{display:grid;grid-template-columns:repeat(2,1fr);gap:.5em}svg{max-width:100%;height:auto;background:#fff}")
            .Append("h3{font-size:1em;margin:.8em 0 .2em}</style></head><body>\n");
        html.Append("<h1>").Append(Encode(title)).Append("</h1>\n");
        html.Append(Inv, $"<p>{report.Options.Duration.TotalHours:0.##} h simulated, seed {report.Options.Seed}, lag SLO {slo:0.#} s.</p>\n");
        AppendVerdict(html, report, slo);
        AppendResults(html, report);

        var end = report.Series.Select(p => p.Seconds).DefaultIfEmpty(1).Max();
        var n = 0;
        string Id() => (++n).ToString(Inv);
        html.Append("<h2>Inflow</h2>\n").Append(SvgChart.Render(Id(), "inflow (msg/s)", [new ChartLine("inflow", "#495057", Line(report, PolicyIds.All[0], p => p.Inflow))], 0, end));
        AppendPanels(html, report, "Replicas requested", "replicas", p => p.Replicas, end, Id);
        AppendPanels(html, report, "Backlog", "backlog (messages)", p => p.Backlog, end, Id);
        AppendPanels(html, report, "Lag: age of the oldest waiting message", "lag (s)", p => p.Lag, end, Id);
        AppendWorstBurst(html, report, end, Id);

        html.Append("<h2>Notes</h2>\n<ul>\n");
        foreach (var note in report.Notes)
        {
            html.Append("<li>").Append(Encode(note)).Append("</li>\n");
        }

        return html.Append("</ul>\n</body></html>\n").ToString();
    }

    private static void AppendVerdict(StringBuilder html, WhatIfReport report, double slo)
    {
        var verdict = Verdict.For(report.Results, report.Options.LagSlo);
        var best = verdict.Recommended;
        var row = verdict.Rows.Single(r => r.Policy == best.Policy);
        html.Append(verdict.MeetsSlo ? "<section class=\"verdict\">" : "<section class=\"verdict miss\">");
        html.Append(Inv, $"<p><strong>Recommended for a {slo:0.#} s lag SLO: {Encode(best.Policy)}.</strong> ");
        html.Append(verdict.MeetsSlo
            ? string.Create(Inv, $"It is the cheapest policy whose p99 lag ({Num(best.LagP99)} s) is within the SLO")
            : string.Create(Inv, $"No policy kept p99 lag within the SLO; it spent the least time over it ({best.SecondsOverSlo:0} s)"));
        html.Append(row.ReplicaSecondsVsKeda is { } cost && best.Policy != PolicyIds.KedaBacklog
            ? string.Create(Inv, $", at {Percent(cost)} replica-seconds against KEDA's pulsar scaler.</p>\n")
            : ".</p>\n");
        html.Append("<table><tr><th>policy</th><th>replica-seconds</th><th>vs KEDA</th><th>p99 lag (s)</th><th>vs KEDA</th></tr>\n");
        foreach (var r in verdict.Rows)
        {
            html.Append(Inv, $"<tr><td>{Encode(r.Policy)}</td><td>{r.ReplicaSeconds:0}</td><td>{PercentOrDash(r.ReplicaSecondsVsKeda)}</td><td>{Num(r.LagP99)}</td><td>{PercentOrDash(r.LagP99VsKeda)}</td></tr>\n");
        }

        html.Append("</table></section>\n");
    }

    private static void AppendResults(StringBuilder html, WhatIfReport report)
    {
        // Every column is better lower; the best cell of each (ties included) is marked.
        Func<PolicyResult, double?>[] values =
        [
            r => r.ReplicaSeconds, r => r.LagP50, r => r.LagP95, r => r.LagP99, r => r.LagMax,
            r => r.WakeSeconds, r => r.ActivationSeconds, r => r.ScaleEvents, r => r.SecondsOverSlo,
        ];
        string[] formats = ["0", "0.#", "0.#", "0.#", "0.#", "0.#", "0.#", "0", "0"];
        var bests = values.Select(v => report.Results.Select(v).Where(x => x.HasValue).Select(x => x!.Value).DefaultIfEmpty(double.NaN).Min()).ToList();
        html.Append("<h2>Results</h2>\n<div class=\"results\"><table><tr><th>policy</th><th>replica-seconds</th><th>lag p50 (s)</th><th>p95</th><th>p99</th><th>max</th>")
            .Append("<th>wake (s)</th><th>activation (s)</th><th>scale events</th><th>s over SLO</th></tr>\n");
        foreach (var r in report.Results)
        {
            html.Append("<tr><td>").Append(Encode(r.Policy)).Append("</td>");
            for (var i = 0; i < values.Length; i++)
            {
                var value = values[i](r);
                html.Append(value is { } v && v == bests[i] ? "<td class=\"best\">" : "<td>")
                    .Append(value is { } w ? w.ToString(formats[i], Inv) : "–").Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n<dl>");
        foreach (var (heading, definition) in Columns)
        {
            html.Append("<dt>").Append(Encode(heading)).Append("</dt><dd>").Append(Encode(definition)).Append("</dd>");
        }

        html.Append("<dt>marked</dt><dd>The best value of the column (lower is better in every one).</dd></dl></div>\n");
    }

    private static void AppendPanels(StringBuilder html, WhatIfReport report, string title, string yTitle, Func<SeriesPoint, double> select, double end, Func<string> id)
    {
        var lines = PolicyIds.All.Select(p => new ChartLine(p, Colors[p], Line(report, p, select))).ToList();
        var peaks = lines.Select(l => l.Points.Select(p => p.Y).DefaultIfEmpty(0).Max()).ToList();
        var smallest = peaks.Where(p => p > 0).DefaultIfEmpty(0).Min();
        var ownScales = smallest > 0 && peaks.Max() > DwarfRatio * smallest;
        html.Append("<h2>").Append(Encode(title)).Append(ownScales ? " <small>(one policy's peak dwarfs another's: each panel has its own scale)</small>" : string.Empty)
            .Append("</h2>\n<div class=\"panels\">");
        foreach (var line in lines)
        {
            html.Append("<div><h3>").Append(Encode(line.Name)).Append("</h3>")
                .Append(SvgChart.Render(id(), yTitle, [line], 0, end, ownScales ? null : peaks.Max(), width: 510, height: 220)).Append("</div>");
        }

        html.Append("</div>\n");
    }

    private static void AppendWorstBurst(StringBuilder html, WhatIfReport report, double end, Func<string> id)
    {
        var worst = report.Series.OrderByDescending(p => p.Lag).ThenBy(p => p.Seconds).FirstOrDefault();
        if (worst is null || worst.Lag <= 0)
        {
            return;
        }

        var from = Math.Max(0, worst.Seconds - ZoomHalfWidth.TotalSeconds);
        var to = Math.Min(end, worst.Seconds + ZoomHalfWidth.TotalSeconds);
        html.Append(Inv, $"<h2>The worst burst, zoomed: {from / 60:0.#} to {to / 60:0.#} min</h2>\n");
        html.Append(Inv, $"<p>Around the highest lag of the run ({worst.Lag:0.#} s, {worst.Policy}, at {worst.Seconds / 60:0.#} min), every policy overlaid.</p>\n");
        html.Append(SvgChart.Render(id(), "inflow (msg/s)", [new ChartLine("inflow", "#495057", Line(report, PolicyIds.All[0], p => p.Inflow))], from, to, height: 200));
        html.Append(SvgChart.Render(id(), "replicas", [.. PolicyIds.All.Select(p => new ChartLine(p, Colors[p], Line(report, p, s => s.Replicas)))], from, to));
        html.Append(SvgChart.Render(id(), "lag (s)", [.. PolicyIds.All.Select(p => new ChartLine(p, Colors[p], Line(report, p, s => s.Lag)))], from, to));
    }

    private static List<(double X, double Y)> Line(WhatIfReport report, string policy, Func<SeriesPoint, double> select) =>
        [.. report.Series.Where(p => p.Policy == policy).Select(p => (p.Seconds, select(p)))];

    private static string Percent(double change) =>
        change < 0 ? string.Create(Inv, $"{-change:0.0 %} fewer") : string.Create(Inv, $"{change:0.0 %} more");

    private static string PercentOrDash(double? change) =>
        change is { } c ? (c == 0 ? "±0 %" : (c < 0 ? "−" : "+") + Math.Abs(c).ToString("0.0 %", Inv)) : "–";

    private static string Num(double? value) => value is { } v ? v.ToString("0.#", Inv) : "–";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
