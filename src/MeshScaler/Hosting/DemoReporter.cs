using MeshScaler.Core;
using MeshScaler.Emulation.Kubernetes;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.Keda;
using MeshScaler.Engine;

namespace MeshScaler.Hosting;

/// <summary>
/// In emulator mode, asks about the demo function every poll interval, as KEDA would with a trigger that names only
/// <c>function: order-enricher</c> (backlog and capacity modes), and logs what a ScaledObject would see, so
/// <c>/metrics</c> and the console show discovery and the signal moving.
/// </summary>
internal sealed partial class DemoReporter(SignalStore store, TriggerTargets targets, TimeProvider time, ILogger<DemoReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(store.Options.PollInterval, time);
        do
        {
            try
            {
                var b = await store.GetAsync(targets.Parse(ScaledObject("backlog")), stoppingToken);
                var c = await store.GetAsync(targets.Parse(ScaledObject("capacity")), stoppingToken);
                LogSignal(logger, b.Backlog, b.InflowRate, b.OutRate, b.Consumers, b.IsActive, b.DesiredReplicas, c.DesiredReplicas, c.PerReplicaRate?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) ?? "learning");
            }
            catch (ScalingException ex)
            {
                LogUnavailable(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>The demo's trigger: the Function's name alone; topics, subscription and admin URL are discovered.</summary>
    internal static ScaledObjectRef ScaledObject(string mode) => new()
    {
        Name = $"{EmulatorMode.DemoFunction}-{mode}",
        Namespace = EmulatorMode.DemoNamespace,
        ScalerMetadata =
        {
            [TriggerMetadata.Function] = EmulatorMode.DemoFunction,
            [TriggerMetadata.ScalingModeKey] = mode,
            [TriggerMetadata.MsgBacklogThreshold] = "100",
        },
    };

    [LoggerMessage(5100, LogLevel.Information, "demo function: backlog={Backlog} entries, inflow={Inflow:0.#} msg/s, out={Out:0.#} msg/s, consumers={Consumers}, active={Active}; KEDA backlog policy wants {BacklogReplicas:0.#} replicas, capacity mode wants {CapacityReplicas} (per-replica rate {Rate}, measured on the runner pods)")]
    private static partial void LogSignal(ILogger logger, double backlog, double inflow, double @out, int consumers, bool active, double backlogReplicas, double capacityReplicas, string rate);

    [LoggerMessage(5101, LogLevel.Warning, "demo function: no signal: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}

/// <summary>
/// Plays the demo workload on the fake cluster: every second, as many runner pods as the workload's replicas, each
/// processing its share of the out-rate, so the runner metrics MeshScaler scrapes match the topic stats it reads.
/// </summary>
internal sealed class DemoRunners(DemoCluster cluster, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        var last = time.GetUtcNow();
        do
        {
            var now = time.GetUtcNow();
            var point = DemoWorkload.At(now);
            cluster.SetReplicas(point.Replicas);
            var seconds = (now - last).TotalSeconds;
            for (var i = 0; i < point.Replicas; i++)
            {
                cluster.Pods.Process(i, point.MsgRateOut / point.Replicas * seconds);
            }

            last = now;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
