using MeshScaler.Hosting;
using MeshScaler.Emulation.Simulation;
using MeshScaler.Simulation;

namespace MeshScaler.FunctionalTests.Simulation;

/// <summary>The what-if verb's own path: the emulator on loopback HTTP read by the real admin client, on the virtual clock.</summary>
public sealed class WhatIfHttpTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static WhatIfOptions Options()
    {
        var duration = TimeSpan.FromMinutes(30);
        return new WhatIfOptions { Workload = WorkloadPresets.Create(WorkloadPresets.Spiky, 4, duration), Duration = duration, Seed = 4 };
    }

    [Fact]
    public async Task RunAsync_OverHttpSameSeedTwice_IdenticalResultsJson()
    {
        var first = await WhatIfRunner.RunAsync(Options(), EmulatorBackend.Factory).WaitAsync(Timeout);
        var second = await WhatIfRunner.RunAsync(Options(), EmulatorBackend.Factory).WaitAsync(Timeout);

        Assert.Equal(ReportWriter.ResultsJson(first.Results), ReportWriter.ResultsJson(second.Results));
        Assert.Equal(ReportWriter.SeriesCsv(first.Series), ReportWriter.SeriesCsv(second.Series));
        Assert.All(first.Details, d => Assert.Equal(0, d.Errors));
        Assert.Contains(first.Notes, n => n.Contains("loopback HTTP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_OverHttp_MatchesTheInProcessReader()
    {
        // Same model, same seed: the HTTP path (JSON writer, real parser, aggregation) must not change any decision.
        var http = await WhatIfRunner.RunAsync(Options(), EmulatorBackend.Factory).WaitAsync(Timeout);
        var inProcess = await WhatIfRunner.RunAsync(Options()).WaitAsync(Timeout);

        Assert.Equal(ReportWriter.ResultsJson(inProcess.Results), ReportWriter.ResultsJson(http.Results));
    }

    public static TheoryData<string, string[], string> BadArguments => new()
    {
        { "negative rate", ["--per-replica-rate", "-5"], "--per-replica-rate \"-5\" is not a positive number" },
        { "zero max replicas", ["--max-replicas", "0"], "--max-replicas \"0\" is not an integer from 1" },
        { "fractional polling", ["--polling-interval", "2.5s"], "--polling-interval \"2.5s\" is not a positive whole number of seconds" },
        { "bad drain", ["--drain-seconds", "soon"], "--drain-seconds \"soon\" is not a positive duration" },
        { "bad cooldown", ["--cooldown", "-1"], "--cooldown \"-1\" is not a duration of 0 or more" },
        { "bad startup", ["--startup-delay", "x"], "--startup-delay \"x\" is not a duration of 0 or more" },
        { "zero catch-up ratio", ["--catch-up-ratio", "0"], "--catch-up-ratio \"0\" is not a number above 0 and at most 100" },
        { "catch-up ratio not a number", ["--catch-up-ratio", "fast"], "--catch-up-ratio \"fast\" is not a number above 0 and at most 100" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void TryParse_BadSetting_NamesIt(string name, string[] args, string expected)
    {
        Assert.False(WhatIfCommand.TryParse(args, out _, out var error), name);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Settings_ReachTheRunOptions()
    {
        Assert.True(WhatIfCommand.TryParse(
            ["--per-replica-rate", "250", "--startup-delay", "0", "--drain-seconds", "4s", "--max-replicas", "12", "--polling-interval", "15s", "--cooldown", "60s", "--catch-up-ratio", "1"],
            out var parsed,
            out var error), error);

        var options = WhatIfCommand.OptionsFor(parsed, new ConstantWorkload("flat", 1), TimeSpan.FromMinutes(1));

        Assert.Equal(250, options.Model.PerReplicaRate);
        Assert.Equal(TimeSpan.Zero, options.Model.StartupDelay);
        Assert.Equal(1000, options.MsgBacklogThreshold);
        Assert.Equal(TimeSpan.FromSeconds(4), options.DrainSeconds);
        Assert.Equal(12, options.Hpa.MaxReplicas);
        Assert.Equal(TimeSpan.FromSeconds(15), options.Keda.PollingInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Keda.CooldownPeriod);
        Assert.Equal(1, options.CatchUpRatio);
        Assert.Null(parsed.Duration);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public async Task RunAsync_TraceWithoutDuration_PlaysTheTracesOwnLength()
    {
        var directory = Directory.CreateTempSubdirectory("whatif-trace-");
        try
        {
            var trace = Path.Combine(directory.FullName, "trace.csv");
            await File.WriteAllTextAsync(trace, "seconds,msgPerSecond\n0,50\n60,200\n120,50\n");

            var code = await Cli.RunAsync(["whatif", "--trace", trace, "--out", directory.FullName]).WaitAsync(Timeout);

            Assert.Equal(0, code);
            var series = await File.ReadAllLinesAsync(Path.Combine(directory.FullName, ReportWriter.SeriesFile));
            var lastSecond = series.Skip(1).Select(l => double.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).Max();
            Assert.Equal(179, lastSecond);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
