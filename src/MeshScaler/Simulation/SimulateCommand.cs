using System.CommandLine;
using Grpc.Core;
using System.Globalization;
using MeshScaler.Emulation.Kubernetes;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.Emulation.Simulation;
using MeshScaler.Hosting;
using MeshScaler.Keda;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace MeshScaler.Simulation;

/// <summary>
/// <c>simulate</c>: the live demo. The Pulsar admin emulator serves a simulated function; the real MeshScaler server
/// (real gRPC, real <c>/metrics</c>) answers about it; a KEDA + HPA model drives the function's replicas from those gRPC
/// answers (polling IsActive, GetMetrics for the HPA, and the StreamIsActive push), in real time. Demo timings are
/// shortened and printed on screen.
/// </summary>
internal static class SimulateCommand
{
    private const string Topic = "persistent://public/default/demo-orders";
    private const string Function = "demo-enricher";
    private const string Namespace = "default";

    /// <summary>Function Mesh's default subscription: the Function's FQFN.</summary>
    private const string Subscription = "public/default/demo-enricher";
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    /// <summary>The demo function's replica startup, shortened so a cycle fits in 150 s.</summary>
    private static readonly TimeSpan ReplicaStartup = TimeSpan.FromSeconds(5);

    private static readonly FunctionModelOptions DemoModel = new()
    {
        StartupDelay = ReplicaStartup, PerReplicaRate = 100, StatsUpdateFrequency = TimeSpan.FromSeconds(10),
    };

    private static readonly KedaSettings DemoKeda = new() { PollingInterval = TimeSpan.FromSeconds(5), CooldownPeriod = TimeSpan.FromSeconds(20), Push = true };

    private static readonly HpaSettings DemoHpa = new()
    {
        MaxReplicas = 20,
        SyncPeriod = TimeSpan.FromSeconds(5),
        Behavior = HpaBehavior.Default with { ScaleDown = HpaBehavior.Default.ScaleDown with { StabilizationWindow = TimeSpan.FromSeconds(15) } },
    };

    private static readonly Option<TimeSpan?> DurationOption = CliOptions.OptionalDuration("--duration", "Stop by itself after this long (default: run until Ctrl+C).");

    private static readonly Option<bool> HpaOption = new("--hpa")
    {
        Description = "No KEDA: the Function Mesh operator's HPA (min 1 replica) reads meshscaler_replicas_needed from MeshScaler's "
            + "metrics API over HTTPS with a bearer token, as the HPA's metrics client does (v1beta2, falling back to v1beta1).",
    };

    /// <summary>The verb, built once: System.CommandLine gives each option one parent, and parsing only reads the tree.</summary>
    public static Command Command { get; } = Create();

    private static Command Create()
    {
        var command = new Command(
            "simulate",
            "The live demo: the Pulsar admin emulator, the real server and a KEDA/HPA model driven by MeshScaler's gRPC answers; "
            + "a scale from zero, a burst and back to zero every 150 s. Ctrl+C stops it. Settings: --MeshScaler:Section:Key=value.")
        {
            DurationOption,
            HpaOption,
        };
        command.AcceptingSettings().SetAction((result, _) =>
            ConfigurationErrors.ReportingAsync(
                () => RunAsync(result.GetValue(DurationOption), result.GetValue(HpaOption), ConfigurationArguments.From(result), result.InvocationConfiguration.Error),
                result.InvocationConfiguration.Error));
        return command;
    }

    private static async Task<int> RunAsync(TimeSpan? duration, bool hpaMode, string[] settings, TextWriter error)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        if (duration is { } limit)
        {
            stop.CancelAfter(limit);
        }

        var model = new FunctionModel(DemoModel, seed: 1);
        var workload = new ModelWorkload();
        workload.Add(Topic, Subscription, model);
        await using var emulator = await PulsarAdminEmulator.StartAsync(new PulsarAdminEmulatorOptions { Workload = workload }, stop.Token);
        await using var cluster = await DemoCluster.StartAsync(Namespace, Function, Topic, emulator.BaseAddress, DemoHpa.MaxReplicas, stop.Token);
        await using var app = MeshScalerApp.Build(settings, builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"MeshScaler:Pulsar:Clusters:{EmulatorMode.ClusterName}:AdminUrl"] = emulator.BaseAddress.ToString().TrimEnd('/'),
                ["MeshScaler:Kubernetes:Server"] = cluster.Server.BaseAddress.ToString(),

                // The HPA mode reads the authenticated metrics API (HTTPS, self-signed) on a free loopback port.
                ["MeshScaler:MetricsApi:Enabled"] = hpaMode ? "true" : "false",
                ["MeshScaler:MetricsApi:Port"] = "0",
                ["MeshScaler:MetricsApi:Address"] = "127.0.0.1",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            });
        });
        await app.StartAsync(stop.Token);

        // SIGTERM (docker stop, kubectl delete, timeout) stops the host; the demo loop must stop with it, or the process
        // would linger with its ports bound.
        using var stopping = app.Lifetime.ApplicationStopping.Register(stop.Cancel);

        // The ports actually bound (0 picks a free one), not the configured ones.
        var endpoints = app.Services.GetRequiredService<ListenerEndpoints>();
        var grpcPort = endpoints.GrpcPort.ToString(CultureInfo.InvariantCulture);
        var httpPort = endpoints.HttpPort.ToString(CultureInfo.InvariantCulture);
        using var client = new KedaGrpcClient(new Uri($"http://127.0.0.1:{grpcPort}"));
        // The trigger names the Function only: its topic, subscription (the default, its FQFN) and admin URL are read from
        // the fake cluster, and its runner pods are scraped for their processing rate.
        var scaledObject = new ScaledObjectRef
        {
            Name = Function,
            Namespace = Namespace,
            ScalerMetadata =
            {
                ["function"] = Function,
                ["scalingMode"] = "capacity",

                // Declared as a user would for their pods: the demo model's own startup delay.
                ["replicaStartupSeconds"] = ReplicaStartup.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };

        try
        {
            var console = Terminal.Create();
            IDemoAutoscaler autoscaler;
            if (hpaMode)
            {
                var apiPort = endpoints.MetricsApiPort.ToString(CultureInfo.InvariantCulture);
                PrintBanner(console, emulator.BaseAddress, cluster.Server.BaseAddress, grpcPort, httpPort, HpaDemoAutoscaler.Metric, $"https://127.0.0.1:{apiPort}");
                lock (workload.Gate)
                {
                    model.SetReplicas(1, TimeProvider.System.GetUtcNow());
                }

                autoscaler = new HpaDemoAutoscaler(new Uri($"https://127.0.0.1:{apiPort}"), DemoCluster.HpaToken, Namespace, Function, new HpaController(DemoHpa with { MinReplicas = 1 }), DemoHpa.SyncPeriod);
            }
            else
            {
                var spec = await FirstMetricSpecAsync(client, scaledObject, stop.Token);
                PrintBanner(console, emulator.BaseAddress, cluster.Server.BaseAddress, grpcPort, httpPort, spec.MetricName, null);
                autoscaler = new KedaDemoAutoscaler(client, scaledObject, spec, DemoKeda, new HpaController(DemoHpa), DemoHpa.SyncPeriod, stop.Token);
            }

            using (autoscaler)
            {
                await RunLoopAsync(console, autoscaler, model, workload.Gate, cluster, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl+C or --duration.
        }
        catch (RpcException ex)
        {
            await error.WriteLineAsync($"{Cli.Name} simulate: the scaler failed: {ex.Message}");
            return 1;
        }
        catch (HpaMetricsException ex)
        {
            await error.WriteLineAsync($"{Cli.Name} simulate: the HPA could not read the metrics API: {ex.Message}");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            await error.WriteLineAsync($"{Cli.Name} simulate: cannot reach the scaler's gRPC port {grpcPort}: {ex.Message}");
            return 1;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }

        return 0;
    }

    /// <summary>
    /// The trigger's metric spec, asked again while MeshScaler says to wait (its caches are still listing the fake
    /// cluster), as KEDA asks again: up to 30 s; any other error is the answer.
    /// </summary>
    private static async Task<MetricSpec> FirstMetricSpecAsync(KedaGrpcClient client, ScaledObjectRef scaledObject, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return (await client.GetMetricSpecAsync(scaledObject, cancellationToken)).MetricSpecs.Single();
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && TimeProvider.System.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    /// <summary>Every 150 s: 10 s idle, 30 s at 80 msg/s, a 30 s burst at 700 msg/s, 15 s at 80 msg/s, then idle.</summary>
    internal static double RateAt(double seconds) => (seconds % 150) switch
    {
        < 10 => 0,
        < 40 => 80,
        < 70 => 700,
        < 85 => 80,
        _ => 0,
    };

    /// <summary>What the demo's traffic is doing at a point of its 150 s cycle, so the table tells its story by itself.</summary>
    internal static string PhaseAt(double seconds) => (seconds % 150) switch
    {
        < 10 => "idle",
        < 40 => "scale from zero",
        < 70 => "burst",
        < 85 => "after the burst",
        _ => "scale to zero",
    };

    private static void PrintBanner(IAnsiConsole console, Uri emulator, Uri kubernetes, string grpcPort, string httpPort, string metricName, string? metricsApi)
    {
        console.MarkupLineInterpolated($"[bold]MeshScaler live demo[/] (Ctrl+C to stop)");
        console.MarkupLineInterpolated($"  Pulsar admin emulator  {emulator}admin/v2/{Topic.Replace("persistent://", "persistent/", StringComparison.Ordinal)}/stats");
        console.MarkupLineInterpolated($"  Fake Kubernetes API    {kubernetes}apis/compute.functionmesh.io/v1alpha1/namespaces/{Namespace}/functions (trigger: function: {Function})");
        if (metricsApi is null)
        {
            console.MarkupLineInterpolated($"  MeshScaler gRPC        127.0.0.1:{grpcPort} (externalscaler.ExternalScaler, metric {metricName})");
        }
        else
        {
            console.MarkupLineInterpolated($"  MeshScaler metrics API {metricsApi} (custom.metrics.k8s.io, Object metric {metricName} on Function {Function}; token {DemoCluster.HpaToken})");
        }

        console.MarkupLineInterpolated($"  Prometheus metrics     http://127.0.0.1:{httpPort}/metrics");
        var defaults = (Keda: new KedaSettings(), Hpa: new HpaSettings());
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"  [yellow]Demo timings, shortened so a cycle fits in 150 s:[/] replica startup {DemoModel.StartupDelay.TotalSeconds:0.#} s, {DemoModel.PerReplicaRate:0.#} msg/s per replica,"));
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"  broker stats window {DemoModel.StatsUpdateFrequency.TotalSeconds:0.#} s, KEDA pollingInterval {DemoKeda.PollingInterval.TotalSeconds:0.#} s and cooldownPeriod {DemoKeda.CooldownPeriod.TotalSeconds:0.#} s, HPA sync {DemoHpa.SyncPeriod.TotalSeconds:0.#} s and"));
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"  scale-down stabilization {DemoHpa.Behavior.ScaleDown.StabilizationWindow.TotalSeconds:0.#} s (defaults: {defaults.Keda.PollingInterval.TotalSeconds:0.#} s, {defaults.Keda.CooldownPeriod.TotalSeconds:0.#} s, {defaults.Hpa.SyncPeriod.TotalSeconds:0.#} s, {defaults.Hpa.Behavior.ScaleDown.StabilizationWindow.TotalSeconds:0.#} s). {(metricsApi is null ? "Scaling mode: capacity, push on." : "The operator's HPA: min 1 replica, target AverageValue 1; the active column shows the value it read.")}"));
    }

    /// <remarks>
    /// The emulator reads the model on Kestrel's threads (<see cref="ModelWorkload.Advance"/> under
    /// <paramref name="gate"/>), so every step, scale and read of the model here holds the same gate; the autoscaler's
    /// calls are awaited outside it.
    /// </remarks>
    private static async Task RunLoopAsync(IAnsiConsole console, IDemoAutoscaler autoscaler, FunctionModel model, Lock gate, DemoCluster cluster, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var rows = new Queue<string[]>();
        var table = NewTable(autoscaler.Title);
        var interactive = Terminal.IsInteractive;
        using var timer = new PeriodicTimer(Tick, time);
        var started = time.GetUtcNow();
        async Task LoopAsync(Action refresh)
        {
            for (var tick = 0L; ; tick++)
            {
                var now = time.GetUtcNow();
                var rate = RateAt(tick);
                lock (gate)
                {
                    model.Step(now, Tick, rate);
                    cluster.Mirror(model.ReplicaProcessed, 1000 / DemoModel.PerReplicaRate);
                }

                await autoscaler.ControlAsync(tick * Tick, now, model, gate, cancellationToken);
                string[] row;
                lock (gate)
                {
                    row =
                    [
                        $"{(now - started).TotalSeconds:0}s",
                        PhaseAt(tick),
                        Fmt(rate), Fmt(model.Backlog), Fmt(model.LastProcessed / Tick.TotalSeconds),
                        $"{model.Ready}/{model.Requested}", autoscaler.Active,
                        $"{model.OldestAge(now).TotalSeconds:0}s",
                    ];
                }

                if (interactive)
                {
                    rows.Enqueue(row);
                    while (rows.Count > 15)
                    {
                        rows.Dequeue();
                    }

                    table = NewTable(autoscaler.Title);
                    foreach (var r in rows)
                    {
                        table.AddRow([.. r.Select((cell, i) => i == ActiveColumn && cell == "yes" && Terminal.UsesColour ? "[green]yes[/]" : Markup.Escape(cell))]);
                    }

                    refresh();
                }
                else if (tick % 5 == 0)
                {
                    console.WriteLine(PlainRow(row));
                }

                await timer.WaitForNextTickAsync(cancellationToken);
            }
        }

        if (interactive)
        {
            await console.Live(table).StartAsync(async ctx => await LoopAsync(() => ctx.UpdateTarget(table)));
        }
        else
        {
            console.WriteLine(PlainRow(Columns));
            await LoopAsync(() => { });
        }
    }

    private static readonly string[] Columns = ["time", "phase", "inflow msg/s", "backlog", "processing msg/s", "ready/replicas", "active", "lag"];
    private const int ActiveColumn = 6;

    private static Table NewTable(string title) => new Table().Title(title).AddColumns(Columns);

    /// <summary>A row as fixed-width columns, for a file or a pipe: every value under its heading.</summary>
    internal static string PlainRow(IReadOnlyList<string> cells)
    {
        var line = new System.Text.StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            var width = Math.Max(Columns[i].Length, i == 1 ? 15 : 6);
            line.Append(i == 1 ? cells[i].PadRight(width) : cells[i].PadLeft(width));
            if (i < cells.Count - 1)
            {
                line.Append("  ");
            }
        }

        return line.ToString().TrimEnd();
    }

    private static string Fmt(double value) => value.ToString("0", CultureInfo.InvariantCulture);
}
