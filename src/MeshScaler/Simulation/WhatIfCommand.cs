using System.Globalization;
using MeshScaler.Emulation.Simulation;
using Spectre.Console;

namespace MeshScaler.Simulation;

/// <summary>
/// <c>whatif</c>: runs the four policies on one workload (a preset, <c>all</c> presets, or a CSV trace) in virtual time
/// through the emulator and the real admin client, writes report.html, series.csv and results.json, and prints the
/// results table. Bad arguments print a clear error and return 2.
/// </summary>
internal static class WhatIfCommand
{
    public const string Usage = """
          whatif [--workload NAME|all | --trace FILE] [--duration 6h] [--seed N] [--out DIR] [--lag-slo 30s]
                             compare KEDA's pulsar scaler, a CPU HPA and MeshScaler's backlog and capacity modes on the
                             same traffic in virtual time; writes DIR/report.html, series.csv, results.json
                             (default DIR whatif-report; presets: constant, step, daily, spiky, idle-burst; default spiky)
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        if (!TryParse(args, out var parsed, out var error))
        {
            await Console.Error.WriteLineAsync($"whatif: {error}");
            await Console.Error.WriteLineAsync("usage:");
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var workloads = new List<(IInflowWorkload Workload, string Directory)>();
        try
        {
            if (parsed.Trace is { } trace)
            {
                workloads.Add((TraceWorkload.Load(trace), parsed.OutDirectory));
            }
            else if (parsed.Workload == "all")
            {
                workloads.AddRange(WorkloadPresets.All.Select(p =>
                    (WorkloadPresets.Create(p.Name, parsed.Seed, parsed.Duration), Path.Combine(parsed.OutDirectory, p.Name))));
            }
            else
            {
                workloads.Add((WorkloadPresets.Create(parsed.Workload, parsed.Seed, parsed.Duration), parsed.OutDirectory));
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"whatif: {ex.Message}");
            return 2;
        }

        if (Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns without a terminal; the table needs more to stay readable in logs and CI.
            AnsiConsole.Profile.Width = 160;
        }

        var table = new Table().Title("what-if results").AddColumns(
            "workload", "policy", "replica-s", "lag p50", "p95", "p99", "max", "wake s", "scale events", "s over SLO");
        foreach (var column in table.Columns.Skip(2))
        {
            column.RightAligned();
        }

        var started = TimeProvider.System.GetTimestamp();
        foreach (var (workload, directory) in workloads)
        {
            var runStarted = TimeProvider.System.GetTimestamp();
            var report = await WhatIfRunner.RunAsync(
                new WhatIfOptions { Workload = workload, Duration = parsed.Duration, Seed = parsed.Seed, LagSlo = parsed.LagSlo },
                EmulatorBackend.Factory,
                cancellationToken);
            var files = ReportWriter.WriteAll(report, directory);
            foreach (var r in report.Results)
            {
                table.AddRow(
                    r.Workload, r.Policy, Num(r.ReplicaSeconds, "0"), Num(r.LagP50), Num(r.LagP95), Num(r.LagP99), Num(r.LagMax),
                    Num(r.WakeSeconds), r.ScaleEvents.ToString(CultureInfo.InvariantCulture), Num(r.SecondsOverSlo, "0"));
            }

            AnsiConsole.MarkupLineInterpolated(
                $"[grey]{workload.Name}: {parsed.Duration.TotalHours:0.##} h simulated in {TimeProvider.System.GetElapsedTime(runStarted).TotalSeconds:0.0} s; wrote {string.Join(", ", files)}[/]");
            foreach (var note in report.Notes.Where(n => n.StartsWith("Bar", StringComparison.Ordinal)))
            {
                AnsiConsole.MarkupLineInterpolated($"[grey]{workload.Name}: {note}[/]");
            }
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[grey]total {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s[/]");
        return 0;
    }

    internal sealed record Arguments(string Workload, string? Trace, TimeSpan Duration, int Seed, string OutDirectory, TimeSpan LagSlo);

    internal static bool TryParse(string[] args, out Arguments parsed, out string error)
    {
        string workload = WorkloadPresets.Spiky, outDirectory = "whatif-report";
        string? trace = null;
        bool workloadGiven = false;
        var duration = TimeSpan.FromHours(6);
        var lagSlo = TimeSpan.FromSeconds(30);
        var seed = 1;
        parsed = null!;
        error = string.Empty;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                error = name.StartsWith("--", StringComparison.Ordinal) ? $"{name} needs a value" : $"unexpected argument \"{name}\"";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--workload":
                    workload = value;
                    workloadGiven = true;
                    if (value != "all" && !WorkloadPresets.All.Any(p => p.Name == value))
                    {
                        error = $"--workload \"{value}\" is not a preset; known: {string.Join(", ", WorkloadPresets.All.Select(p => p.Name))}, all";
                        return false;
                    }

                    break;
                case "--trace":
                    trace = value;
                    break;
                case "--duration" when DurationArgument.TryParse(value, out var d):
                    duration = d;
                    break;
                case "--lag-slo" when DurationArgument.TryParse(value, out var s):
                    lagSlo = s;
                    break;
                case "--duration" or "--lag-slo":
                    error = $"{name} \"{value}\" is not a positive duration (e.g. 90, 30s, 15m, 6h, 1h30m)";
                    return false;
                case "--seed" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n):
                    seed = n;
                    break;
                case "--seed":
                    error = $"--seed \"{value}\" is not an integer";
                    return false;
                case "--out":
                    outDirectory = value;
                    break;
                default:
                    error = $"unknown option \"{name}\"";
                    return false;
            }
        }

        if (workloadGiven && trace is not null)
        {
            error = "give either --workload or --trace, not both";
            return false;
        }

        if (duration > TimeSpan.FromDays(7))
        {
            error = $"--duration {duration.TotalHours:0.#}h is longer than the 7-day limit";
            return false;
        }

        parsed = new Arguments(workload, trace, duration, seed, outDirectory, lagSlo);
        return true;
    }

    private static string Num(double? value, string format = "0.#") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
