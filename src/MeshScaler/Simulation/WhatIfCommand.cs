using System.CommandLine;
using System.Globalization;
using MeshScaler.Hosting;
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
    /// <summary>The run's own defaults, read from the option types that own them rather than written again here.</summary>
    private static readonly WhatIfOptions Defaults = new() { Workload = new ConstantWorkload("defaults", 0) };

    private static readonly TimeSpan DefaultDuration = Defaults.Duration;
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);
    private const int MaxReplicasLimit = 10_000;
    private const string ZeroOrMoreDuration = "is not a duration of 0 or more (e.g. 0, 20s, 5m)";

    private static readonly Option<string> WorkloadOption = CliOptions.Value(
        "--workload",
        "NAME|all",
        $"A preset ({string.Join(", ", WorkloadPresets.All.Select(p => p.Name))}) or all of them.",
        WorkloadPresets.Spiky,
        static (string text, out string value) =>
        {
            value = text;
            return text == "all" || WorkloadPresets.All.Any(p => p.Name == text);
        },
        $"is not a preset; known: {string.Join(", ", WorkloadPresets.All.Select(p => p.Name))}, all");

    private static readonly Option<string?> TraceOption = new("--trace")
    {
        HelpName = "FILE",
        Description = "A CSV of seconds,msgPerSecond rows to play instead of a preset; without --duration, its own length.",
    };

    private static readonly Option<TimeSpan?> DurationOption = CliOptions.OptionalDuration(
        "--duration", $"Simulated time (default {DefaultDuration.TotalHours:0} h, at most 7 days).");

    private static readonly Option<int> SeedOption = CliOptions.Value(
        "--seed", "N", "Random seed of the workload and the model, the same for every policy.", Defaults.Seed, CliOptions.TryParseInt, "is not an integer");

    private static readonly Option<string> OutOption = new("--out")
    {
        HelpName = "DIR",
        Description = "Where report.html, series.csv and results.json are written.",
        DefaultValueFactory = _ => "whatif-report",
    };

    private static readonly Option<TimeSpan> LagSloOption = Duration("--lag-slo", "The lag SLO counted in 's over SLO'.", Defaults.LagSlo);

    private static readonly Option<double> PerReplicaRateOption = CliOptions.Value(
        "--per-replica-rate",
        "MSG/S",
        "Messages per second one replica processes.",
        Defaults.Model.PerReplicaRate,
        static (string text, out double value) => CliOptions.TryParseDouble(text, out value) && value > 0,
        "is not a positive number of messages per second");

    private static readonly Option<TimeSpan> StartupDelayOption = ZeroOrDuration(
        "--startup-delay", "From asking for a replica to it consuming.", Defaults.Model.StartupDelay);

    private static readonly Option<TimeSpan> DrainSecondsOption = Duration(
        "--drain-seconds",
        "The drain target of every backlog policy: msgBacklogThreshold = per-replica rate x this, and capacity mode's targetDrainSeconds.",
        Defaults.DrainSeconds);

    private static readonly Option<int> MaxReplicasOption = CliOptions.Value(
        "--max-replicas",
        "N",
        "The HPA's maxReplicas.",
        Defaults.Hpa.MaxReplicas,
        static (string text, out int value) => CliOptions.TryParseInt(text, out value) && value is >= 1 and <= MaxReplicasLimit,
        $"is not an integer from 1 to {MaxReplicasLimit}");

    private static readonly Option<TimeSpan> PollingIntervalOption = CliOptions.Value(
        "--polling-interval",
        "DURATION",
        "KEDA's pollingInterval, whole seconds.",
        Defaults.Keda.PollingInterval,
        static (string text, out TimeSpan value) => DurationArgument.TryParse(text, out value) && value.Ticks % TimeSpan.TicksPerSecond == 0,
        "is not a positive whole number of seconds (e.g. 30, 30s, 1m)");

    private static readonly Option<TimeSpan> CooldownOption = ZeroOrDuration("--cooldown", "KEDA's cooldownPeriod.", Defaults.Keda.CooldownPeriod);

    private static readonly Option<double> CatchUpRatioOption = CliOptions.Value(
        "--catch-up-ratio",
        "RATIO",
        "Capacity mode's catchUpRatio.",
        Defaults.CatchUpRatio,
        static (string text, out double value) => CliOptions.TryParseDouble(text, out value) && value > 0 && value <= MetadataDefaults.MaxRatio,
        $"is not a number above 0 and at most {MetadataDefaults.MaxRatio}");

    /// <summary>The verb, built once: System.CommandLine gives each option one parent, and parsing only reads the tree.</summary>
    public static Command Command { get; } = Create();

    private static Command Create()
    {
        var command = new Command(
            "whatif",
            "Compare KEDA's pulsar scaler, a CPU HPA and MeshScaler's backlog and capacity modes on the same traffic in virtual time; "
            + "writes report.html, series.csv and results.json to --out and prints the results table.")
        {
            WorkloadOption, TraceOption, DurationOption, SeedOption, OutOption, LagSloOption, PerReplicaRateOption, StartupDelayOption,
            DrainSecondsOption, MaxReplicasOption, PollingIntervalOption, CooldownOption, CatchUpRatioOption,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(WorkloadOption) is { Implicit: false } && result.GetResult(TraceOption) is not null)
            {
                result.AddError("give either --workload or --trace, not both");
            }

            if (result.GetValue(DurationOption) is { } duration && duration > MaxDuration)
            {
                result.AddError($"--duration {duration.TotalHours:0.#}h is longer than the 7-day limit");
            }
        });
        command.SetAction((result, cancellationToken) => RunAsync(Bind(result), result.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    /// <summary>Parses the verb's arguments (without the verb) into the run's settings; <paramref name="error"/> lists every problem.</summary>
    internal static bool TryParse(string[] args, out Arguments parsed, out string error)
    {
        var result = Command.Parse(args);
        error = string.Join("; ", result.Errors.Select(e => e.Message));
        parsed = result.Errors.Count == 0 ? Bind(result) : null!;
        return result.Errors.Count == 0;
    }

    private static Arguments Bind(ParseResult result) => new(
        result.GetValue(WorkloadOption)!,
        result.GetValue(TraceOption),
        result.GetValue(DurationOption),
        result.GetValue(SeedOption),
        result.GetValue(OutOption)!,
        result.GetValue(LagSloOption),
        result.GetValue(PerReplicaRateOption),
        result.GetValue(StartupDelayOption),
        result.GetValue(DrainSecondsOption),
        result.GetValue(MaxReplicasOption),
        result.GetValue(PollingIntervalOption),
        result.GetValue(CooldownOption),
        result.GetValue(CatchUpRatioOption));

    private static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue) =>
        CliOptions.Value(name, "DURATION", description, defaultValue, DurationArgument.TryParse, CliOptions.PositiveDuration);

    private static Option<TimeSpan> ZeroOrDuration(string name, string description, TimeSpan defaultValue) =>
        CliOptions.Value(name, "DURATION", description, defaultValue, Durations.TryParse, ZeroOrMoreDuration);

    internal static async Task<int> RunAsync(Arguments parsed, TextWriter error, CancellationToken cancellationToken = default)
    {
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
            await error.WriteLineAsync($"{Cli.Name} whatif: {ex.Message}");
            return Cli.UsageError;
        }

        if (duration > MaxDuration)
        {
            await error.WriteLineAsync($"{Cli.Name} whatif: duration {duration.TotalHours:0.#}h is longer than the 7-day limit");
            return Cli.UsageError;
        }

        var runs = workloads.Select(w => (Options: OptionsFor(parsed, w.Workload, duration), w.Directory)).ToList();
        var invalid = runs[0].Options.Validate();
        if (invalid.Count > 0)
        {
            await error.WriteLineAsync($"{Cli.Name} whatif: invalid settings: {string.Join("; ", invalid)}");
            return Cli.UsageError;
        }

        var console = Terminal.Create();
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

            console.MarkupLineInterpolated(
                $"[grey]{workload.Name}: {duration.TotalHours:0.##} h simulated in {TimeProvider.System.GetElapsedTime(runStarted).TotalSeconds:0.0} s; wrote {string.Join(", ", files.Select(Path.GetFullPath))}[/]");
            foreach (var note in report.Notes.Where(n => n.StartsWith("Bar", StringComparison.Ordinal) || n.StartsWith("Activation", StringComparison.Ordinal)))
            {
                console.MarkupLineInterpolated($"[grey]{workload.Name}: {note}[/]");
            }
        }

        console.Write(table);
        console.MarkupLineInterpolated($"[grey]total {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s[/]");
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

    private static string Num(double? value, string format = "0.#") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
