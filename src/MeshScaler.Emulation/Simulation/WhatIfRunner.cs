using MeshScaler.Core;
using MeshScaler.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// Runs the four policies side by side on the same workload in virtual time: one loop, one step at a time, every call
/// awaited, so a seed gives the same results every time.
/// </summary>
/// <remarks>
/// <para>Each policy drives its own copy of the function (its own topic in the one emulated cluster). Policies 3 and 4
/// read the model through the backend (the emulator over HTTP and the real admin client, in the what-if verb), the
/// real <see cref="SignalStore"/> (its poll round run every MeshScaler wake poll interval, as the host's poll loop does,
/// with its watches as the push path) and the
/// real <see cref="SignalCalculator"/>. Policy 1 reads <c>msgBacklog</c> from the same stats on every question, as
/// KEDA's pulsar scaler does.</para>
/// <para>Within a step: every model advances by one step; at MeshScaler poll instants the store polls and pushes
/// transitions; then KEDA polls and HPA syncs that are due run; their changes take effect from the next step.</para>
/// </remarks>
public static class WhatIfRunner
{
    private const string Tenant = "sim";
    private const string Namespace = "whatif";

    /// <summary>A guard against a hung call (real time): a virtual-time run never waits on anything but the backend.</summary>
    private static readonly TimeSpan CallGuard = TimeSpan.FromSeconds(60);

    /// <summary>Runs one what-if. Throws <see cref="ArgumentException"/> listing every invalid option.</summary>
    public static async Task<WhatIfReport> RunAsync(WhatIfOptions options, SimulationBackendFactory? backendFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid what-if options: {string.Join("; ", errors)}", nameof(options));
        }

        var clock = new VirtualClock();
        var start = clock.GetUtcNow();
        var workload = new ModelWorkload();
        var models = PolicyIds.All.Select((id, i) => new FunctionModel(options.Model, unchecked((options.Seed * 31) + i))).ToList();
        for (var i = 0; i < models.Count; i++)
        {
            workload.Add(TopicOf(PolicyIds.All[i]), SubscriptionOf(PolicyIds.All[i]), models[i]);
        }

        await using var backend = await (backendFactory ?? InProcessBackend.Factory)(workload, clock, cancellationToken);
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new EngineMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var store = new SignalStore(
            backend.Admin,
            backend.Clusters,
            Options.Create(new SignalStoreOptions { PollInterval = options.MeshScalerPollInterval, WakePollInterval = options.MeshScalerWakePollInterval }),
            clock,
            NullLogger<SignalStore>.Instance,
            metrics);

        var cluster = backend.Clusters.Resolve(backend.AdminUrl, null);
        var pushKeda = options.Keda with { Push = true };
        var pollKeda = options.Keda with { Push = false };
        var keda = new KedaHpaLane(
            PolicyIds.KedaBacklog,
            models[0],
            new PulsarBacklogSource(backend.Admin, cluster, TopicName(PolicyIds.KedaBacklog), SubscriptionOf(PolicyIds.KedaBacklog), options.MsgBacklogThreshold, 0),
            new KedaController(pollKeda, start),
            new HpaController(options.Hpa));
        var cpu = new CpuHpaLane(PolicyIds.CpuHpa, models[1], new HpaController(options.Hpa), options.CpuTarget, start);
        var backlogTarget = Target(backend.AdminUrl, PolicyIds.MeshScalerBacklog, "backlog", options.MsgBacklogThreshold);
        var capacityTarget = Target(backend.AdminUrl, PolicyIds.MeshScalerCapacity, "capacity", options.MsgBacklogThreshold);
        var meshBacklog = new KedaHpaLane(
            PolicyIds.MeshScalerBacklog, models[2], new SignalStoreSource(store, backlogTarget), new KedaController(pushKeda, start), new HpaController(options.Hpa));
        var meshCapacity = new KedaHpaLane(
            PolicyIds.MeshScalerCapacity, models[3], new SignalStoreSource(store, capacityTarget), new KedaController(pushKeda, start), new HpaController(options.Hpa));
        PolicyLane[] lanes = [keda, cpu, meshBacklog, meshCapacity];

        // KEDA opens StreamIsActive when the ScaledObject is created: the watches exist from the start.
        using var backlogWatch = store.Watch(backlogTarget);
        using var capacityWatch = store.Watch(capacityTarget);
        var watches = new (SignalWatch Watch, PolicyLane Lane)[] { (backlogWatch, meshBacklog), (capacityWatch, meshCapacity) };

        var step = options.Step;
        var steps = (long)Math.Ceiling(options.Duration.Ticks / (double)step.Ticks);
        var seriesEvery = SeriesEvery(options, steps);
        var series = new List<SeriesPoint>();
        for (long i = 0; i < steps; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = clock.GetUtcNow();
            var elapsed = TimeSpan.FromTicks(step.Ticks * i);
            var rate = options.Workload.RateAt(elapsed.TotalSeconds);
            foreach (var lane in lanes)
            {
                lane.Model.Step(now, step, rate);
                if (lane.Model.OldestAge(now) > options.LagSlo)
                {
                    lane.SecondsOverSlo += step.TotalSeconds;
                }
            }

            cpu.Observe(step);

            // The host's poll loop ticks at the wake interval; the store decides which subjects are due at each tick.
            if (elapsed.Ticks % options.MeshScalerWakePollInterval.Ticks == 0)
            {
                await store.PollOnceAsync(cancellationToken).WaitAsync(CallGuard, cancellationToken);
                foreach (var (watch, lane) in watches)
                {
                    while (watch.Changes.TryRead(out var active))
                    {
                        lane.OnPush(now, active);
                    }
                }
            }

            foreach (var lane in lanes)
            {
                await lane.TickAsync(now, elapsed, cancellationToken).WaitAsync(CallGuard, cancellationToken);
            }

            if (i % seriesEvery == 0)
            {
                foreach (var lane in lanes)
                {
                    var model = lane.Model;
                    series.Add(new SeriesPoint(
                        elapsed.TotalSeconds, lane.Id, rate, model.Backlog, model.OldestAge(now).TotalSeconds, model.Requested, model.Ready,
                        model.LastProcessed / step.TotalSeconds));
                }
            }

            clock.Advance(step);
        }

        var end = clock.GetUtcNow();
        var results = new List<PolicyResult>();
        var details = new List<PolicyDetails>();
        foreach (var lane in lanes)
        {
            var model = lane.Model;
            var left = model.Backlog;
            model.AddUnfinished(model.Lag, end);
            results.Add(new PolicyResult(
                lane.Id,
                options.Workload.Name,
                Math.Round(model.ReplicaSeconds, 3),
                model.Lag.Percentile(0.50),
                model.Lag.Percentile(0.95),
                model.Lag.Percentile(0.99),
                model.Lag.Max,
                model.Wakes.Count == 0 ? null : Math.Round(model.Wakes.Average(), 3),
                model.ScaleEvents,
                Math.Round(lane.SecondsOverSlo, 3)));
            details.Add(new PolicyDetails(
                lane.Id,
                model.Wakes.Count,
                lane.ActivationDelays.Count == 0 ? null : Math.Round(lane.ActivationDelays.Average(), 3),
                lane.Errors,
                model.TotalIn,
                left));
        }

        var notes = Notes(options, backend, keda, results, details);
        return new WhatIfReport(options.Workload.Name, options, results, details, series, notes);
    }

    internal static string TopicOf(string policy) => $"persistent://{Tenant}/{Namespace}/{policy}";

    internal static string SubscriptionOf(string policy) => $"{Tenant}/{Namespace}/{policy}-fn";

    private static TopicName TopicName(string policy) =>
        Core.TopicName.TryParse(TopicOf(policy), out var name, out var error) ? name : throw new InvalidOperationException(error);

    private static ScaleTarget Target(Uri adminUrl, string policy, string mode, double msgBacklogThreshold)
    {
        var parsed = TriggerMetadata.Parse(new Dictionary<string, string>
        {
            [TriggerMetadata.AdminUrl] = adminUrl.ToString(),
            [TriggerMetadata.Topic] = TopicOf(policy),
            [TriggerMetadata.Subscription] = SubscriptionOf(policy),
            [TriggerMetadata.ScalingModeKey] = mode,
            [TriggerMetadata.MsgBacklogThreshold] = msgBacklogThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),

            // Stay active while messages flow even when the consumers keep the backlog at 0 (KEDA's scaler cannot).
            [TriggerMetadata.ActivationMsgRateThreshold] = "0",
        });
        return parsed.Target ?? throw new InvalidOperationException($"simulation trigger is invalid: {string.Join("; ", parsed.Errors)}");
    }

    private static long SeriesEvery(WhatIfOptions options, long steps)
    {
        if (options.SeriesInterval is { } interval)
        {
            return Math.Max(1, interval.Ticks / options.Step.Ticks);
        }

        return Math.Max(1, steps / 1440);
    }

    private static List<string> Notes(WhatIfOptions options, SimulationBackend backend, KedaHpaLane keda, List<PolicyResult> results, List<PolicyDetails> details)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var m = options.Model;
        var notes = new List<string>
        {
            string.Create(inv, $"Model: replicas ready {m.StartupDelay.TotalSeconds:0.#} s after being requested, {m.PerReplicaRate:0.#} msg/s each (±{m.Jitter * 100:0.#} % jitter), {m.MessagesPerEntry} message(s) per entry; broker rates are windowed averages recomputed every {m.StatsUpdateFrequency.TotalSeconds:0.#} s."),
            string.Create(inv, $"Controllers: HPA sync {options.Hpa.SyncPeriod.TotalSeconds:0.#} s, tolerance {options.Hpa.Tolerance:0.##}, replicas {options.Hpa.MinReplicas}..{options.Hpa.MaxReplicas}, scale-down stabilization {options.Hpa.Behavior.ScaleDown.StabilizationWindow.TotalSeconds:0.#} s; KEDA pollingInterval {keda.Keda.Settings.PollingInterval.TotalSeconds:0.#} s, cooldownPeriod {keda.Keda.Settings.CooldownPeriod.TotalSeconds:0.#} s; MeshScaler polls every {options.MeshScalerPollInterval.TotalSeconds:0.#} s ({options.MeshScalerWakePollInterval.TotalSeconds:0.#} s for an inactive pushed target, its WakePollInterval) and pushes activity through its signal watch (the StreamIsActive path)."),
            string.Create(inv, $"Policies: keda-backlog and meshscaler-backlog use msgBacklogThreshold {options.MsgBacklogThreshold:0.#}; cpu-hpa targets {options.CpuTarget * 100:0.#} % utilization; meshscaler-capacity learns the per-replica rate (targetDrainSeconds 60) from exact rates; both MeshScaler policies set activationMsgRateThreshold 0 (active while messages flow), which KEDA's pulsar scaler does not offer: it scales to zero whenever a poll finds the backlog empty for a cooldown, even under steady traffic."),
            "Capacity policy: MeshScaler derives inflow and out-rate from Pulsar's cumulative counters (msgInCounter, msgOutCounter) over the real interval between its fetches, falling back to the broker's 60 s windowed rates on a counter reset or a missing counter. The windowed rates never showed a short burst at its height and made a replica that started mid-window look slow, so the learned per-replica rate was underestimated and capacity mode kept about three replicas at base load instead of one. The per-replica rate is now learned only from intervals with a backlog at both ends and the same consumers throughout, weighted symmetrically (the slow-down weight the windowed path needs is kept for brokers without counters); desired replicas use the exact inflow.",
            string.Create(inv, $"Stats path: {backend.Description}. Lag is the real FIFO wait of every message, at {options.Step.TotalSeconds:0.###} s resolution; messages still waiting at the end count with their age then."),
        };

        foreach (var detail in details)
        {
            if (detail.ActivationSeconds is { } activation)
            {
                notes.Add(string.Create(inv, $"{detail.Policy}: {detail.Wakes} wake(s) from zero; a replica was requested on average {activation:0.#} s after the first waiting message (the rest of the wake is the {m.StartupDelay.TotalSeconds:0.#} s startup)."));
            }

            if (detail.Errors > 0)
            {
                notes.Add(string.Create(inv, $"{detail.Policy}: {detail.Errors} poll(s) or sync(s) skipped on a scaler error."));
            }
        }

        var kedaWake = details.First(d => d.Policy == PolicyIds.KedaBacklog).ActivationSeconds;
        var pushWake = details.First(d => d.Policy == PolicyIds.MeshScalerCapacity).ActivationSeconds;
        if (kedaWake is { } kw && pushWake is { } pw)
        {
            // The push path is bounded by one wake poll; the model's step hides anything shorter, so the ratio uses the bound.
            var bound = Math.Max(pw, options.MeshScalerWakePollInterval.TotalSeconds);
            var comparison = kw >= bound
                ? string.Create(inv, $"at least {kw / bound:0.#}x faster")
                : "no difference on this workload, whose bursts start on KEDA's poll instants";
            notes.Add(string.Create(inv, $"Push wake: meshscaler-capacity requested a replica {pw:0.#} s after the first waiting message (at most one {options.MeshScalerWakePollInterval.TotalSeconds:0.#} s wake poll), keda-backlog {kw:0.#} s (polling every {options.Keda.PollingInterval.TotalSeconds:0.#} s): {comparison}."));
        }

        var kedaResult = results.First(r => r.Policy == PolicyIds.KedaBacklog);
        var capacity = results.First(r => r.Policy == PolicyIds.MeshScalerCapacity);
        if (kedaResult.ReplicaSeconds > 0 && kedaResult.LagP99 is { } kp99 && capacity.LagP99 is { } cp99)
        {
            var saving = 1 - (capacity.ReplicaSeconds / kedaResult.ReplicaSeconds);
            var beats = (saving >= 0.25 && cp99 <= kp99) || (cp99 < kp99 && saving >= 0);
            notes.Add(string.Create(inv, $"Bar (capacity vs keda-backlog): {saving * 100:0.#} % fewer replica-seconds, p99 lag {cp99:0.#} s vs {kp99:0.#} s: {(beats ? "met" : "NOT met")}."));
        }

        return notes;
    }
}
