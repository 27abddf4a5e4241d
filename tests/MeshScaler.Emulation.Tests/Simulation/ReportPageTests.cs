using System.Text.RegularExpressions;
using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Emulation.Tests.Simulation;

public sealed class ReportPageTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(40);

    private static WhatIfReport Report()
    {
        PolicyResult Result(string policy, double cost, double p99, int events) => new(policy, "w", cost, 0, p99, p99, p99 + 5, null, events, 0, null);
        var series = PolicyIds.All.SelectMany((policy, i) => Enumerable.Range(0, 240).Select(t =>
            new SeriesPoint(t * 10, policy, t % 60 < 10 ? 500 : 50, t % 60 < 12 ? 100 * (i + 1) : 0, t % 60 < 12 ? 3 * (i + 1) : 0, 1 + (i * (t % 60 < 12 ? 2 : 0)), 1, 50))).ToList();
        return new WhatIfReport(
            "w",
            new WhatIfOptions { Workload = new ConstantWorkload("w", 1), Duration = Duration },
            [Result(PolicyIds.KedaBacklog, 1000, 20, 9), Result(PolicyIds.CpuHpa, 700, 90, 3), Result(PolicyIds.MeshScalerBacklog, 990, 19, 8), Result(PolicyIds.MeshScalerCapacity, 600, 10, 4)],
            [],
            series,
            ["a note"]);
    }

    [Fact]
    public void Render_VerdictComesFirst_WithEveryPolicyAgainstKeda()
    {
        var html = ReportPage.Render(Report());

        Assert.True(html.IndexOf("class=\"verdict\"", StringComparison.Ordinal) < html.IndexOf("<h2>Results</h2>", StringComparison.Ordinal));
        Assert.Contains("Recommended for a 30 s lag SLO: meshscaler-capacity.", html, StringComparison.Ordinal);
        Assert.Contains("at 40.0 % fewer replica-seconds against KEDA's pulsar scaler.", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>meshscaler-capacity</td><td>600</td><td>−40.0 %</td><td>10</td><td>−50.0 %</td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_BestOfEachColumn_IsMarked_AndEveryColumnDefined()
    {
        var html = ReportPage.Render(Report());

        Assert.Contains("<td class=\"best\">600</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"best\">10</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"best\">3</td>", html, StringComparison.Ordinal);
        foreach (var heading in new[] { "replica-seconds", "wake", "activation", "scale events", "s over SLO" })
        {
            Assert.Contains($"<dt>{heading}</dt>", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Render_EveryChartHasALegendAndAxisTitles_AndThePageHasNoScriptOrExternalResource()
    {
        var html = ReportPage.Render(Report());
        var svgs = Regex.Matches(html, "<svg.*?</svg>", RegexOptions.Singleline);

        Assert.Equal(1 + (3 * PolicyIds.All.Count) + 3, svgs.Count);
        Assert.All(svgs, svg =>
        {
            Assert.Contains("<rect x=", svg.Value, StringComparison.Ordinal);
            Assert.Contains("time since the start (min)", svg.Value, StringComparison.Ordinal);
            Assert.Contains("rotate(-90)", svg.Value, StringComparison.Ordinal);
        });
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=", html, StringComparison.Ordinal);
        Assert.Contains("<h2>The worst burst, zoomed:", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(47, 10)]
    [InlineData(100, 20)]
    [InlineData(12.5, 2.5)]
    [InlineData(0.9, 0.2)]
    [InlineData(23000, 5000)]
    public void NiceStep_GivesRoundTicks(double range, double step) => Assert.Equal(step, SvgChart.NiceStep(range), 9);

    [Theory]
    [InlineData(20000, 5000, "20k")]
    [InlineData(2500000, 500000, "2.5M")]
    [InlineData(0.25, 0.05, "0.25")]
    [InlineData(40, 10, "40")]
    public void Compact_LabelsTicksShortly(double value, double step, string label) => Assert.Equal(label, SvgChart.Compact(value, step));
}
