using MeshScaler.Simulation;

namespace MeshScaler.FunctionalTests.Simulation;

/// <summary>The verbs as a user runs them into a file or a pipe: paths from where they ran, plain text, aligned columns.</summary>
public sealed class VerbOutputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Whatif_RelativeOut_IsWrittenWhereTheCommandRan_PrintedAbsolute_WithoutEscapeCodes()
    {
        var directory = Directory.CreateTempSubdirectory("whatif-cwd-");
        try
        {
            var (exit, output, error) = await RunAsync(directory.FullName, "whatif", "--workload", "constant", "--duration", "10m", "--out", "rel-report");

            Assert.True(exit == 0, $"whatif exited {exit}: {error}");
            var report = Path.Combine(directory.FullName, "rel-report", "report.html");
            Assert.True(File.Exists(report), $"no {report}");
            Assert.Contains(report, output, StringComparison.Ordinal);
            Assert.DoesNotContain('\u001b', output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Simulate_IntoAPipe_PrintsAlignedPlainColumnsWithThePhase()
    {
        var (exit, output, error) = await RunAsync(Path.GetTempPath(), "simulate", "--duration", "12s", "--MeshScaler:Grpc:Port=0", "--MeshScaler:Http:Port=0");

        Assert.True(exit == 0, $"simulate exited {exit}: {error}");
        Assert.DoesNotContain('\u001b', output);
        var lines = output.Split('\n');
        var header = lines.Single(l => l.TrimStart().StartsWith("time", StringComparison.Ordinal));
        Assert.Contains("phase", header, StringComparison.Ordinal);
        var rows = lines.SkipWhile(l => l != header).Skip(1).Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(rows);
        // Fixed-width columns, the last one right-aligned: every row is exactly as long as the header.
        Assert.All(rows, row => Assert.Equal(header.Length, row.TrimEnd('\r').Length));
        Assert.Contains(rows, r => r.Contains("idle", StringComparison.Ordinal) || r.Contains("scale from zero", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SimulateHpa_TheOperatorsHpa_ReadsTheMetricsApiOverHttps_AndScalesOnTheBurst()
    {
        // The burst starts at 40 s; the HPA reads every 5 s, so by 50 s it has asked for more than its one replica.
        var (exit, output, error) = await RunAsync(Path.GetTempPath(), "simulate", "--hpa", "--duration", "52s", "--MeshScaler:Grpc:Port=0", "--MeshScaler:Http:Port=0");

        Assert.True(exit == 0, $"simulate --hpa exited {exit}: {error}");
        Assert.Contains("MeshScaler metrics API https://127.0.0.1:", output, StringComparison.Ordinal);
        var lines = output.Split('\n');
        var header = lines.Single(l => l.TrimStart().StartsWith("time", StringComparison.Ordinal));
        var rows = lines.SkipWhile(l => l != header).Skip(1).Where(l => l.Trim().Length > 0)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var replicas = rows.Select(r => r.Single(c => c.Contains('/', StringComparison.Ordinal))).Select(c => int.Parse(c.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.All(replicas, r => Assert.True(r >= 1, "the operator's HPA went below one replica"));
        Assert.True(replicas.Max() > 1, $"the HPA never scaled up: {output}");

        // The "active" column is the value the HPA read: a number once the Engine has the Function's signal.
        Assert.Contains(rows, r => double.TryParse(r[^2], System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 1);
    }

    [Fact]
    public void DotnetRun_RunsWhereTheUserRanIt_NotInTheProjectFolder()
    {
        var project = File.ReadAllText(Infrastructure.Repository.Path("src", "MeshScaler", "MeshScaler.csproj"));

        Assert.Contains("<RunWorkingDirectory>$(MSBuildStartupDirectory)</RunWorkingDirectory>", project, StringComparison.Ordinal);
    }

    /// <summary>On a terminal (a pseudo-terminal from util-linux's <c>script</c>), colour; with NO_COLOR set, none.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Whatif_OnATerminal_IsColouredUnlessNoColorIsSet(bool noColor)
    {
        var directory = Directory.CreateTempSubdirectory("whatif-tty-");
        try
        {
            var command = $"dotnet '{typeof(Hosting.Cli).Assembly.Location}' whatif --workload constant --duration 10m --out out";
            var (exit, output, error) = await ExternalProcess.RunAsync("script", ["-qec", command, "/dev/null"], Timeout, start =>
            {
                start.WorkingDirectory = directory.FullName;
                start.Environment["TERM"] = "xterm-256color";
                start.Environment.Remove("NO_COLOR");
                if (noColor)
                {
                    start.Environment["NO_COLOR"] = "1";
                }
            });

            Assert.True(exit == 0, $"whatif under script exited {exit}: {output} {error}");
            if (noColor)
            {
                // No colour or style sequence; .NET's console may still set the terminal's keypad mode.
                Assert.DoesNotMatch("\u001b\\[[0-9;]*m", output);
            }
            else
            {
                Assert.Contains("\u001b[38;5;", output, StringComparison.Ordinal);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public static TheoryData<double, string> Phases => new()
    {
        { 0, "idle" },
        { 10, "scale from zero" },
        { 45, "burst" },
        { 75, "after the burst" },
        { 100, "scale to zero" },
        { 160, "scale from zero" },
    };

    [Theory]
    [MemberData(nameof(Phases))]
    public void PhaseAt_NamesThePartOfTheCycle(double seconds, string phase) => Assert.Equal(phase, SimulateCommand.PhaseAt(seconds));

    [Fact]
    public void PlainRow_PutsEveryValueUnderItsHeading()
    {
        var header = SimulateCommand.PlainRow(["time", "phase", "inflow msg/s", "backlog", "processing msg/s", "ready/replicas", "active", "lag"]);
        var row = SimulateCommand.PlainRow(["12s", "scale from zero", "80", "1234", "100", "1/2", "yes", "3s"]);

        foreach (var (heading, value) in new[] { ("inflow msg/s", "80"), ("backlog", "1234"), ("ready/replicas", "1/2"), ("lag", "3s") })
        {
            Assert.Equal(header.IndexOf(heading, StringComparison.Ordinal) + heading.Length, row.IndexOf(" " + value, StringComparison.Ordinal) + 1 + value.Length);
        }

        Assert.Equal(header.IndexOf("phase", StringComparison.Ordinal), row.IndexOf("scale from zero", StringComparison.Ordinal));
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(string workingDirectory, params string[] args) =>
        ExternalProcess.RunAsync("dotnet", [typeof(Hosting.Cli).Assembly.Location, .. args], Timeout, start =>
        {
            start.WorkingDirectory = workingDirectory;
            start.Environment.Remove("NO_COLOR");
        });
}
