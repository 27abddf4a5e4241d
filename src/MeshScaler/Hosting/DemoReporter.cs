using MeshScaler.Core;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.Engine;

namespace MeshScaler.Hosting;

internal sealed record DemoReporterOptions(Uri AdminUrl);

/// <summary>
/// In emulator mode, asks about the demo function every poll interval (backlog and capacity modes) and logs what a
/// KEDA ScaledObject would see, so <c>/metrics</c> and the console show the signal moving.
/// </summary>
internal sealed partial class DemoReporter(SignalStore store, DemoReporterOptions options, TimeProvider time, ILogger<DemoReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backlog = Target(options.AdminUrl, "backlog");
        var capacity = Target(options.AdminUrl, "capacity");
        using var timer = new PeriodicTimer(store.Options.PollInterval, time);
        do
        {
            try
            {
                var b = await store.GetAsync(backlog, stoppingToken);
                var c = await store.GetAsync(capacity, stoppingToken);
                LogSignal(logger, b.Backlog, b.InflowRate, b.OutRate, b.Consumers, b.IsActive, b.DesiredReplicas, c.DesiredReplicas, c.PerReplicaRate?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) ?? "learning");
            }
            catch (ScalingException ex)
            {
                LogUnavailable(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal static ScaleTarget Target(Uri adminUrl, string mode) => TriggerMetadata.Parse(new Dictionary<string, string>
    {
        [TriggerMetadata.AdminUrl] = adminUrl.ToString(),
        [TriggerMetadata.Topic] = DemoWorkload.Topic,
        [TriggerMetadata.Subscription] = DemoWorkload.Subscription,
        [TriggerMetadata.ScalingModeKey] = mode,
        [TriggerMetadata.MsgBacklogThreshold] = "100",
    }).Target!;

    [LoggerMessage(5100, LogLevel.Information, "demo function: backlog={Backlog} entries, inflow={Inflow:0.#} msg/s, out={Out:0.#} msg/s, consumers={Consumers}, active={Active}; KEDA backlog policy wants {BacklogReplicas:0.#} replicas, capacity mode wants {CapacityReplicas} (per-replica rate {Rate})")]
    private static partial void LogSignal(ILogger logger, double backlog, double inflow, double @out, int consumers, bool active, double backlogReplicas, double capacityReplicas, string rate);

    [LoggerMessage(5101, LogLevel.Warning, "demo function: no signal: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
