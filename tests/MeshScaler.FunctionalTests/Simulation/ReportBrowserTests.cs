using System.Text.Json;
using MeshScaler.Emulation.Simulation;
using MeshScaler.FunctionalTests.Infrastructure;

namespace MeshScaler.FunctionalTests.Simulation;

/// <summary>
/// The what-if report as a reader sees it: rendered by Debian's Chromium, headless (driven by playwright-core from
/// Browser/). It must load without a script error, draw every chart, and cut off no label. Never skipped: ./test.sh
/// installs Chromium and the npm package.
/// </summary>
public sealed class ReportBrowserTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Report_InHeadlessChromium_LoadsCleanlyDrawsEveryChartAndClipsNoLabel()
    {
        var directory = Directory.CreateTempSubdirectory("whatif-browser-");
        try
        {
            var duration = TimeSpan.FromHours(1);
            var report = await WhatIfRunner.RunAsync(new WhatIfOptions
            {
                Workload = WorkloadPresets.Create(WorkloadPresets.IdleBurst, 1, duration),
                Duration = duration,
            }).WaitAsync(Timeout);
            var html = ReportWriter.WriteAll(report, directory.FullName)[0];
            var screenshot = Path.Combine(directory.FullName, "report.png");
            var browser = Repository.Path("tests", "MeshScaler.FunctionalTests", "Browser");

            var (exit, output, error) = await ExternalProcess.RunAsync(
                "node", [Path.Combine(browser, "check_report.mjs"), html, screenshot], Timeout, start => start.WorkingDirectory = browser);

            Assert.True(exit == 0, $"check_report.mjs exited {exit} (./test.sh installs chromium and runs npm ci in {browser}):\n{output}\n{error}");
            using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
            Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
            Assert.Empty(json.RootElement.GetProperty("clipped").EnumerateArray());
            var svgs = json.RootElement.GetProperty("svgs").EnumerateArray().ToList();

            // Inflow, 4 panels each of replicas, backlog and lag, and the three zoomed charts of the worst burst.
            Assert.Equal(1 + (3 * MeshScaler.Emulation.Simulation.PolicyIds.All.Count) + 3, svgs.Count);
            Assert.All(svgs, svg => Assert.True(
                svg.GetProperty("width").GetDouble() > 100 && svg.GetProperty("height").GetDouble() > 100 && svg.GetProperty("drawn").GetInt32() >= 1, svg.ToString()));
            Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
