using MeshScaler.Hosting;
using MeshScaler.Simulation;

namespace MeshScaler.FunctionalTests;

/// <summary>The verbs on System.CommandLine: per-verb help, and every mistake named with exit code 2 before anything runs.</summary>
public sealed class CliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string, string[], string> Mistakes => new()
    {
        { "unknown verb", ["frobnicate"], "'frobnicate'" },
        { "unknown serve option", ["serve", "--emulatr"], "unrecognized option or argument '--emulatr'" },
        { "unknown option without a verb", ["--emulatr"], "unrecognized option or argument '--emulatr'" },
        { "serve setting without a value", ["serve", "--MeshScaler:Grpc:Port"], "setting '--MeshScaler:Grpc:Port' needs a value" },
        { "stray serve argument", ["serve", "now"], "unrecognized option or argument 'now'" },
        { "unknown whatif option", ["whatif", "--workload", "spiky", "--bogus", "1"], "'--bogus'" },
        { "whatif value missing", ["whatif", "--seed"], "--seed" },
        { "whatif bad value", ["whatif", "--max-replicas", "many"], "--max-replicas \"many\" is not an integer from 1 to 10000" },
        { "whatif unknown preset", ["whatif", "--workload", "bursty"], "--workload \"bursty\" is not a preset; known: constant, step, daily, spiky, idle-burst, all" },
        { "whatif workload and trace", ["whatif", "--workload", "step", "--trace", "t.csv"], "give either --workload or --trace, not both" },
        { "whatif beyond 7 days", ["whatif", "--duration", "200h"], "--duration 200h is longer than the 7-day limit" },
        { "simulate bad duration", ["simulate", "--duration", "soon"], "--duration \"soon\" is not a positive duration" },
        { "simulate unknown option", ["simulate", "--fast"], "unrecognized option or argument '--fast'" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task RunAsync_Mistake_ExitsWith2NamingIt(string scenario, string[] args, string expected)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Cli.RunAsync(args, output, error).WaitAsync(Timeout);

        Assert.True(code == 2, $"{scenario}: exit code {code}");
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--help' for usage.", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    public static TheoryData<string, string[]> SettingForms => new()
    {
        { "--key=value", ["serve", "--MeshScaler:Grpc:Port=abc"] },
        { "--key value", ["serve", "--MeshScaler:Grpc:Port", "abc"] },
        { "/key=value", ["serve", "/MeshScaler:Grpc:Port=abc"] },
        { "key=value", ["serve", "MeshScaler:Grpc:Port=abc"] },
        { "without the verb", ["--MeshScaler:Grpc:Port=abc"] },
        { "key=value without the verb", ["MeshScaler:Grpc:Port=abc"] },
    };

    /// <summary>Every form reaches the host's configuration: the bad port proves it, named by the configuration check.</summary>
    [Theory]
    [MemberData(nameof(SettingForms))]
    public async Task RunAsync_SettingInAnyCommandLineForm_ReachesConfiguration(string form, string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Cli.RunAsync(args, output, error).WaitAsync(Timeout);

        Assert.True(code == 2, $"{form}: exit code {code}");
        Assert.Contains("MeshScaler:Grpc:Port must be a whole number, got \"abc\"", error.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> Helps => new()
    {
        { ["--help"], "whatif" },
        { ["serve", "--help"], "--emulator" },
        { ["whatif", "--help"], "--catch-up-ratio <RATIO>" },
        { ["whatif", "-h"], "--polling-interval <DURATION>" },
        { ["simulate", "--help"], "--duration <DURATION>" },
    };

    [Theory]
    [MemberData(nameof(Helps))]
    public async Task RunAsync_Help_PrintsTheVerbsOwnOptionsAndExits0(string[] args, string expected)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Cli.RunAsync(args, output, error).WaitAsync(Timeout);

        Assert.Equal(0, code);
        Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
        Assert.Empty(error.ToString());
    }

    public static TheoryData<string, double?> Durations => new()
    {
        { "90", 90 },
        { "1.5", 1.5 },
        { "30s", 30 },
        { "15m", 900 },
        { "1h30m", 5400 },
        { "00:00:05", 5 },
        { "01:00:00", 3600 },
        { "0", null },
        { "-1", null },
        { "00:00:00", null },
        { "5d", null },
        { "soon", null },
        { "", null },
        { "1h30", null },
    };

    [Theory]
    [MemberData(nameof(Durations))]
    public void DurationArgument_TryParse_ReadsSecondsUnitsAndClockTime(string text, double? seconds)
    {
        var ok = DurationArgument.TryParse(text, out var duration);

        Assert.Equal(seconds is not null, ok);
        if (seconds is { } expected)
        {
            Assert.Equal(TimeSpan.FromSeconds(expected), duration);
        }
    }

    [Fact]
    public void WhatIfTryParse_HelpsOwnDefaultFormat_IsAccepted()
    {
        Assert.True(WhatIfCommand.TryParse(["--lag-slo", "00:00:30", "--cooldown", "00:05:00"], out var parsed, out var error), error);

        Assert.Equal(TimeSpan.FromSeconds(30), parsed.LagSlo);
        Assert.Equal(TimeSpan.FromMinutes(5), parsed.Cooldown);
    }
}
