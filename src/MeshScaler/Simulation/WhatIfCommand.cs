using System.Globalization;
using MeshScaler.Core;
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
                 [--per-replica-rate 100] [--startup-delay 20s] [--drain-seconds 10s] [--max-replicas 50]
                 [--polling-interval 30s] [--cooldown 300s] [--catch-up-ratio 0.5]
                             compare KEDA's pulsar scaler, a CPU HPA and MeshScaler's backlog and capacity modes on the
                             same traffic in virtual time; writes DIR/report.html, series.csv, results.json
                             (default DIR whatif-report; presets: constant, step, daily, spiky, idle-burst; default spiky;
                             a --trace without --duration plays the trace's own length; --drain-seconds sets both
                             msgBacklogThreshold = per-replica rate x drain seconds and targetDrainSeconds;
                             --catch-up-ratio is capacity mode's catchUpRatio)
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
        var duration = parsed.Duration ?? DefaultDuration;
        try
        {
            if (parsed.Trace is { } trace)
            {
                var loaded = TraceWorkload.Load(trace);
                if (parsed.Duration is null)
                {
                    duration = TraceWorkload.LengthOf(loaded)
                        ?? throw new FormatException($"trace {Path.GetFileName(trace)} has a single row and so no length of its own; give --duration");
                }

                workloads.Add((loaded, parsed.OutDirectory));
            }
            else if (parsed.Workload == "all")
            {
                workloads.AddRange(WorkloadPresets.All.Select(p =>
                    (WorkloadPresets.Create(p.Name, parsed.Seed, duration), Path.Combine(parsed.OutDirectory, p.Name))));
            }
            else
            {
                workloads.Add((WorkloadPresets.Create(parsed.Workload, parsed.Seed, duration), parsed.OutDirectory));
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"whatif: {ex.Message}");
            return 2;
        }

        if (duration > MaxDuration)
        {
            await Console.Error.WriteLineAsync($"whatif: duration {duration.TotalHours:0.#}h is longer than the 7-day limit");
            return 2;
        }

        var runs = workloads.Select(w => (Options: OptionsFor(parsed, w.Workload, duration), w.Directory)).ToList();
        var invalid = runs[0].Options.Validate();
        if (invalid.Count > 0)
        {
            await Console.Error.WriteLineAsync($"whatif: invalid settings: {string.Join("; ", invalid)}");
            return 2;
        }

        if (Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns without a terminal; the table needs more to stay readable in logs and CI.
            AnsiConsole.Profile.Width = 160;
        }

        var table = new Table().Title("what-if results").AddColumns(
            "workload", "policy", "replica-s", "lag p50", "p95", "p99", "max", "wake s", "activation s", "scale events", "s over SLO");
        foreach (var column in table.Columns.Skip(2))
        {
            column.RightAligned();
        }

        var started = TimeProvider.System.GetTimestamp();
        foreach (var (options, directory) in runs)
        {
            var workload = options.Workload;
            var runStarted = TimeProvider.System.GetTimestamp();
            var report = await WhatIfRunner.RunAsync(options, EmulatorBackend.Factory, cancellationToken);
            var files = ReportWriter.WriteAll(report, directory);
            foreach (var r in report.Results)
            {
                table.AddRow(
                    r.Workload, r.Policy, Num(r.ReplicaSeconds, "0"), Num(r.LagP50), Num(r.LagP95), Num(r.LagP99), Num(r.LagMax),
                    Num(r.WakeSeconds), Num(r.ActivationSeconds), r.ScaleEvents.ToString(CultureInfo.InvariantCulture), Num(r.SecondsOverSlo, "0"));
            }

            AnsiConsole.MarkupLineInterpolated(
                $"[grey]{workload.Name}: {duration.TotalHours:0.##} h simulated in {TimeProvider.System.GetElapsedTime(runStarted).TotalSeconds:0.0} s; wrote {string.Join(", ", files)}[/]");
            foreach (var note in report.Notes.Where(n => n.StartsWith("Bar", StringComparison.Ordinal) || n.StartsWith("Activation", StringComparison.Ordinal)))
            {
                AnsiConsole.MarkupLineInterpolated($"[grey]{workload.Name}: {note}[/]");
            }
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[grey]total {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s[/]");
        return 0;
    }

    internal sealed record Arguments(
        string Workload,
        string? Trace,
        TimeSpan? Duration,
        int Seed,
        string OutDirectory,
        TimeSpan LagSlo,
        double PerReplicaRate,
        TimeSpan StartupDelay,
        TimeSpan DrainSeconds,
        int MaxReplicas,
        TimeSpan PollingInterval,
        TimeSpan Cooldown,
        double CatchUpRatio = MetadataDefaults.CatchUpRatio);

    /// <summary>The run's own defaults, read from the option types that own them rather than written again here.</summary>
    private static readonly WhatIfOptions Defaults = new() { Workload = new ConstantWorkload("defaults", 0) };

    private static readonly TimeSpan DefaultDuration = Defaults.Duration;
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);
    private const int MaxReplicasLimit = 10_000;

    internal static WhatIfOptions OptionsFor(Arguments parsed, IInflowWorkload workload, TimeSpan duration) => new()
    {
        Workload = workload,
        Duration = duration,
        Seed = parsed.Seed,
        LagSlo = parsed.LagSlo,
        DrainSeconds = parsed.DrainSeconds,
        CatchUpRatio = parsed.CatchUpRatio,
        Model = new FunctionModelOptions { PerReplicaRate = parsed.PerReplicaRate, StartupDelay = parsed.StartupDelay },
        Hpa = new HpaSettings { MaxReplicas = parsed.MaxReplicas },
        Keda = new KedaSettings { PollingInterval = parsed.PollingInterval, CooldownPeriod = parsed.Cooldown },
    };

    internal static bool TryParse(string[] args, out Arguments parsed, out string error)
    {
        string workload = WorkloadPresets.Spiky, outDirectory = "whatif-report";
        string? trace = null;
        bool workloadGiven = false;
        TimeSpan? duration = null;
        var lagSlo = Defaults.LagSlo;
        var seed = Defaults.Seed;
        var perReplicaRate = Defaults.Model.PerReplicaRate;
        var startupDelay = Defaults.Model.StartupDelay;
        var drainSeconds = Defaults.DrainSeconds;
        var maxReplicas = Defaults.Hpa.MaxReplicas;
        var pollingInterval = Defaults.Keda.PollingInterval;
        var cooldown = Defaults.Keda.CooldownPeriod;
        var catchUpRatio = Defaults.CatchUpRatio;
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
                case "--drain-seconds" when DurationArgument.TryParse(value, out var s):
                    drainSeconds = s;
                    break;
                case "--polling-interval" when DurationArgument.TryParse(value, out var s) && IsWholeSeconds(s):
                    pollingInterval = s;
                    break;
                case "--startup-delay" when TryParseZeroOrDuration(value, out var s):
                    startupDelay = s;
                    break;
                case "--cooldown" when TryParseZeroOrDuration(value, out var s):
                    cooldown = s;
                    break;
                case "--duration" or "--lag-slo" or "--drain-seconds":
                    error = $"{name} \"{value}\" is not a positive duration (e.g. 90, 30s, 15m, 6h, 1h30m)";
                    return false;
                case "--polling-interval":
                    error = $"{name} \"{value}\" is not a positive whole number of seconds (e.g. 30, 30s, 1m)";
                    return false;
                case "--startup-delay" or "--cooldown":
                    error = $"{name} \"{value}\" is not a duration of 0 or more (e.g. 0, 20s, 5m)";
                    return false;
                case "--per-replica-rate" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && double.IsFinite(r) && r > 0:
                    perReplicaRate = r;
                    break;
                case "--per-replica-rate":
                    error = $"--per-replica-rate \"{value}\" is not a positive number of messages per second";
                    return false;
                case "--max-replicas" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxReplicasLimit:
                    maxReplicas = n;
                    break;
                case "--catch-up-ratio" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) && c > 0 && c <= MetadataDefaults.MaxRatio:
                    catchUpRatio = c;
                    break;
                case "--catch-up-ratio":
                    error = $"--catch-up-ratio \"{value}\" is not a number above 0 and at most {MetadataDefaults.MaxRatio}";
                    return false;
                case "--max-replicas":
                    error = $"--max-replicas \"{value}\" is not an integer from 1 to {MaxReplicasLimit}";
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

        if (duration > MaxDuration)
        {
            error = $"--duration {duration.Value.TotalHours:0.#}h is longer than the 7-day limit";
            return false;
        }

        parsed = new Arguments(
            workload, trace, duration, seed, outDirectory, lagSlo, perReplicaRate, startupDelay, drainSeconds, maxReplicas, pollingInterval, cooldown, catchUpRatio);
        return true;
    }

    private static bool IsWholeSeconds(TimeSpan value) => value.Ticks % TimeSpan.TicksPerSecond == 0;

    private static bool TryParseZeroOrDuration(string text, out TimeSpan value)
    {
        if (text.Trim() is "0" or "0s")
        {
            value = TimeSpan.Zero;
            return true;
        }

        return DurationArgument.TryParse(text, out value);
    }

    private static string Num(double? value, string format = "0.#") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
