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
/// <para>Fairness: every policy sees the same inflow, the same processing jitter (one seed for every model), the same
/// controller phases (KEDA's polls and the HPA's syncs at a seeded offset within their period, not aligned with the
/// workload) and the same drain target (<see cref="WhatIfOptions.DrainSeconds"/>; each policy applies it its own way).</para>
/// <para>A failed or hung scaler call is a scaler error for the lane (no scale change, as KEDA does); it never aborts
/// the run.</para>
/// </remarks>
public static class WhatIfRunner
{
    private const string Tenant = "sim";
    private const string Namespace = "whatif";

    private static readonly TimeSpan CallGuard = PolicyLane.CallGuard;

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
        var models = PolicyIds.All.Select(_ => new FunctionModel(options.Model, options.Seed)).ToList();
        var phases = options.Phases ?? ControllerPhases.Draw(
            unchecked((options.Seed * 7919) + 104729), options.Step, options.Keda.PollingInterval, options.Hpa.SyncPeriod);
        for (var i = 0; i < models.Count; i++)
        {
            workload.Add(TopicOf(PolicyIds.All[i]), SubscriptionOf(PolicyIds.All[i]), models[i]);
        }

        await using var backend = await (backendFactory ?? InProcessBackend.Factory)(workload, clock, cancellationToken);
        var metrics = new EngineMetrics(Prometheus.Metrics.NewCustomRegistry(), NullLogger<EngineMetrics>.Instance);

        // The MeshScaler policies name their function, and read its replicas' runner metrics from the model.
        var runners = new ModelRunnerPods(clock, backend.AdminUrl);
        foreach (var policy in PolicyIds.MeshScaler)
        {
            runners.Add(policy, models[Array.IndexOf(PolicyIds.All.ToArray(), policy)], TopicOf(policy), SubscriptionOf(policy));
        }

        using var store = new SignalStore(
            backend.Admin,
            backend.Clusters,
            Options.Create(new SignalStoreOptions { PollInterval = options.MeshScalerPollInterval, WakePollInterval = options.MeshScalerWakePollInterval }),
            clock,
            NullLogger<SignalStore>.Instance,
            metrics,
            runners,
            runners);

        var cluster = backend.Clusters.Resolve(backend.AdminUrl, null);
        var pushKeda = options.Keda with { Push = true };
        var pollKeda = options.Keda with { Push = false };

        // KEDA creates the HPA with minReplicas = max(minReplicaCount, 1).
        var kedaHpa = options.Hpa with { MinReplicas = Math.Max(options.Keda.MinReplicaCount, 1) };
        var keda = new KedaHpaLane(
            PolicyIds.KedaBacklog,
            models[0],
            phases,
            new PulsarBacklogSource(backend.Admin, cluster, TopicName(PolicyIds.KedaBacklog), SubscriptionOf(PolicyIds.KedaBacklog), options.MsgBacklogThreshold, 0),
            new KedaController(pollKeda, start),
            new HpaController(kedaHpa));
        var cpu = new CpuHpaLane(PolicyIds.CpuHpa, models[1], phases, new HpaController(options.Hpa), options.CpuTarget, start);
        var backlogTarget = Target(backend.AdminUrl, PolicyIds.MeshScalerBacklog, "backlog", options, runners);
        var capacityTarget = Target(backend.AdminUrl, PolicyIds.MeshScalerCapacity, "capacity", options, runners);
        var meshBacklog = new KedaHpaLane(
            PolicyIds.MeshScalerBacklog, models[2], phases, new SignalStoreSource(store, backlogTarget), new KedaController(pushKeda, start), new HpaController(kedaHpa));
        var meshCapacity = new KedaHpaLane(
            PolicyIds.MeshScalerCapacity, models[3], phases, new SignalStoreSource(store, capacityTarget), new KedaController(pushKeda, start), new HpaController(kedaHpa));
        var hpaTarget = Target(backend.AdminUrl, PolicyIds.MeshScalerHpa, "capacity", options, runners);
        var meshHpa = new OperatorHpaLane(
            PolicyIds.MeshScalerHpa, models[4], phases, new SignalStoreSource(store, hpaTarget), new HpaController(options.Hpa with { MinReplicas = Math.Max(options.Hpa.MinReplicas, 1) }), start);
        PolicyLane[] lanes = [keda, cpu, meshBacklog, meshCapacity, meshHpa];

        // KEDA opens StreamIsActive when the ScaledObject is created: the watches exist from the start.
        using var backlogWatch = store.Watch(backlogTarget);
        using var capacityWatch = store.Watch(capacityTarget);
        var watches = new (SignalWatch Watch, PolicyLane Lane)[] { (backlogWatch, meshBacklog), (capacityWatch, meshCapacity) };

        var step = options.Step;
        var steps = (long)Math.Ceiling(options.Duration.Ticks / (double)step.Ticks);
        var seriesEvery = SeriesEvery(options, steps);
        var series = new List<SeriesPoint>();
        var storeErrors = 0;
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
                try
                {
                    await store.PollOnceAsync(cancellationToken).WaitAsync(CallGuard, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // The answers stay what the last poll left; the policies see stale data, as with a slow broker.
                    storeErrors++;
                }

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
                await lane.TickAsync(now, elapsed, cancellationToken);
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
                Math.Round(lane.SecondsOverSlo, 3),
                lane.ActivationDelays.Count == 0 ? null : Math.Round(lane.ActivationDelays.Average(), 3)));
            details.Add(new PolicyDetails(
                lane.Id,
                model.Wakes.Count,
                lane.ActivationDelays.Count == 0 ? null : Math.Round(lane.ActivationDelays.Average(), 3),
                lane.Errors,
                model.TotalIn,
                left,
                model.TotalProcessed,
                model.Lag.Count));
        }

        var notes = Notes(options, phases, backend, results, details, storeErrors);
        return new WhatIfReport(options.Workload.Name, options, results, details, series, notes);
    }

    internal static string TopicOf(string policy) => $"persistent://{Tenant}/{Namespace}/{policy}";

    internal static string SubscriptionOf(string policy) => $"{Tenant}/{Namespace}/{policy}-fn";

    private static TopicName TopicName(string policy) =>
        Core.TopicName.TryParse(TopicOf(policy), out var name, out var error) ? name : throw new InvalidOperationException(error);

    private static ScaleTarget Target(Uri adminUrl, string policy, string mode, WhatIfOptions options, ModelRunnerPods runners)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var parsed = TriggerMetadata.Parse(new Dictionary<string, string>
        {
            [TriggerMetadata.AdminUrl] = adminUrl.ToString(),
            [TriggerMetadata.Topic] = TopicOf(policy),
            [TriggerMetadata.Subscription] = SubscriptionOf(policy),
            [TriggerMetadata.ScalingModeKey] = mode,
            [TriggerMetadata.MsgBacklogThreshold] = options.MsgBacklogThreshold.ToString(inv),
            [TriggerMetadata.TargetDrainSeconds] = options.DrainSeconds.TotalSeconds.ToString(inv),

            // What a user declares for their function's pods: here the model's own startup delay.
            [TriggerMetadata.ReplicaStartupSeconds] = options.Model.StartupDelay.TotalSeconds.ToString(inv),
            [TriggerMetadata.CatchUpRatio] = options.CatchUpRatio.ToString(inv),

            // activationMsgRateThreshold is left unset on purpose: capacity mode's default (active while messages flow)
            // is what gets measured, not a setting only the what-if knows to add.
            [TriggerMetadata.Function] = policy,
        });
        var function = parsed.Function ?? throw new InvalidOperationException($"simulation trigger is invalid: {string.Join("; ", parsed.Errors)}");
        return function.Resolve(runners.Resolve(function.In(ModelRunnerPods.Namespace)));
    }

    private static long SeriesEvery(WhatIfOptions options, long steps)
    {
        if (options.SeriesInterval is { } interval)
        {
            return Math.Max(1, interval.Ticks / options.Step.Ticks);
        }

        return Math.Max(1, steps / 1440);
    }

    private static List<string> Notes(
        WhatIfOptions options, ControllerPhases phases, SimulationBackend backend, List<PolicyResult> results, List<PolicyDetails> details, int storeErrors)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var m = options.Model;
        var k = options.Keda;
        var notes = new List<string>
        {
            string.Create(inv, $"Settings: --per-replica-rate {m.PerReplicaRate:0.###} msg/s, --startup-delay {m.StartupDelay.TotalSeconds:0.###} s, --drain-seconds {options.DrainSeconds.TotalSeconds:0.###} s, --max-replicas {options.Hpa.MaxReplicas}, --polling-interval {k.PollingInterval.TotalSeconds:0.###} s, --cooldown {k.CooldownPeriod.TotalSeconds:0.###} s, --catch-up-ratio {options.CatchUpRatio:0.###}, --lag-slo {options.LagSlo.TotalSeconds:0.###} s, --seed {options.Seed}, duration {options.Duration.TotalHours:0.###} h."),
            string.Create(inv, $"Model: replicas ready {m.StartupDelay.TotalSeconds:0.#} s after being requested, {m.PerReplicaRate:0.#} msg/s each (±{m.Jitter * 100:0.#} % jitter, the same draws for every policy), {m.MessagesPerEntry} message(s) per entry; broker rates are windowed averages recomputed every {m.StatsUpdateFrequency.TotalSeconds:0.#} s. The reported msgBacklog counts waiting messages plus those dispatched and not yet acknowledged (processed rate × (1/{m.PerReplicaRate:0.#} s + {m.AckDelay.TotalMilliseconds:0} ms ack delay), at least one per busy replica), as a broker does; lag is the real FIFO wait before a consumer takes a message."),
            string.Create(inv, $"Controllers: HPA sync {options.Hpa.SyncPeriod.TotalSeconds:0.#} s, tolerance {options.Hpa.Tolerance:0.##}, replicas {options.Hpa.MinReplicas}..{options.Hpa.MaxReplicas} (max(minReplicaCount {k.MinReplicaCount}, 1)..{options.Hpa.MaxReplicas} under KEDA), scale-down stabilization {options.Hpa.Behavior.ScaleDown.StabilizationWindow.TotalSeconds:0.#} s; KEDA pollingInterval {k.PollingInterval.TotalSeconds:0.#} s, cooldownPeriod {k.CooldownPeriod.TotalSeconds:0.#} s, initialCooldownPeriod {k.InitialCooldownPeriod.TotalSeconds:0.#} s. KEDA polls at {phases.KedaPolling.TotalSeconds:0.#} s + k × {k.PollingInterval.TotalSeconds:0.#} s and the HPA syncs at {phases.HpaSync.TotalSeconds:0.#} s + k × {options.Hpa.SyncPeriod.TotalSeconds:0.#} s (phases drawn from the seed, the same for every policy). The HPA's rate limits count only its own changes. MeshScaler polls every {options.MeshScalerPollInterval.TotalSeconds:0.#} s ({options.MeshScalerWakePollInterval.TotalSeconds:0.#} s for an inactive pushed target, its WakePollInterval) and pushes activity through its signal watch (the StreamIsActive path)."),
            string.Create(inv, $"Drain target: every backlog-driven policy is given the same one, {options.DrainSeconds.TotalSeconds:0.#} s: keda-backlog and meshscaler-backlog use msgBacklogThreshold = {m.PerReplicaRate:0.#} msg/s × {options.DrainSeconds.TotalSeconds:0.#} s = {options.MsgBacklogThreshold:0.#} (a replica per backlog it drains in that time, whatever flows in), meshscaler-capacity targetDrainSeconds {options.DrainSeconds.TotalSeconds:0.#}, which its policy applies after replicaStartupSeconds and only while that costs at most catchUpRatio × inflow (below). cpu-hpa targets {options.CpuTarget * 100:0.#} % utilization. meshscaler-capacity stays active while messages flow (capacity mode's default activation; activationMsgRateThreshold is not set), which KEDA's pulsar scaler does not offer: it relies on a non-empty msgBacklog to stay active."),
            string.Create(inv, $"Capacity policy, and what changed to meet the bar on bursts: on top of the inflow, capacity mode spends min(backlog / (replicaStartupSeconds + targetDrainSeconds), max(catchUpRatio × inflow, consumers' rate − inflow, backlog / (replicaStartupSeconds + maxDrainSeconds))) msg/s on the backlog, and backlog / (replicaStartupSeconds + targetDrainSeconds) once a burst has ended (the consumers drain more than twice the inflow) with its oldest message already that late (Pulsar's earliestMsgPublishTimeInBacklog). meshscaler-capacity declares replicaStartupSeconds {m.StartupDelay.TotalSeconds:0.#} (the model's startup delay, what a user declares for their pods) and catchUpRatio {options.CatchUpRatio:0.###} (--catch-up-ratio), so a large backlog's lag falls {options.CatchUpRatio:0.###} s per second. A burst's backlog is built while replicas start: extra replicas asked for to drain it within targetDrainSeconds start after the replicas the inflow called for are already draining it, and the HPA keeps them for its {options.Hpa.Behavior.ScaleDown.StabilizationWindow.TotalSeconds:0.#} s scale-down window. And a metric read finding its topic's data more than one wake tick old fetches first, so the HPA reads data as fresh as KEDA's fetch-per-read scaler does. Before these changes (backlog / targetDrainSeconds without a limit, data up to a 5 s poll interval old) capacity mode cost 14.6 % more replica-seconds than keda-backlog on the spiky preset, p99 lag 46 s vs 42 s."),
            string.Create(inv, $"Stats path: {backend.Description}. Lag is the real FIFO wait of every message, at {options.Step.TotalSeconds:0.###} s resolution; messages still waiting at the end count with their age then. Activations and wakes are measured at the same resolution; the start of the run (traffic already there, or replicas requested at t=0) is the deployment, not a wake."),
        };

        foreach (var detail in details)
        {
            if (detail.ActivationSeconds is { } activation)
            {
                notes.Add(string.Create(inv, $"{detail.Policy}: {detail.Wakes} wake(s) from zero; a replica was requested on average {activation:0.#} s after the first waiting message (the rest of the wake is the {m.StartupDelay.TotalSeconds:0.#} s startup)."));
            }

            if (detail.Errors > 0)
            {
                notes.Add(string.Create(inv, $"{detail.Policy}: {detail.Errors} poll(s) or sync(s) skipped on a scaler error (no scale change)."));
            }
        }

        if (storeErrors > 0)
        {
            notes.Add(string.Create(inv, $"MeshScaler's signal store: {storeErrors} poll round(s) exceeded the call guard; its answers stayed those of the previous round."));
        }

        var kedaActivation = results.First(r => r.Policy == PolicyIds.KedaBacklog).ActivationSeconds;
        foreach (var push in results.Where(r => r.Policy is PolicyIds.MeshScalerBacklog or PolicyIds.MeshScalerCapacity))
        {
            if (kedaActivation is not { } kw || push.ActivationSeconds is not { } pw)
            {
                notes.Add(string.Create(inv, $"Activation, {push.Policy} (push) vs keda-backlog (polling): {Describe(push.ActivationSeconds)} vs {Describe(kedaActivation)}; no comparison without wakes from zero on both."));
                continue;
            }

            // Activation is measured in whole steps, so a push within the step reads 0: compare against one step.
            var bound = Math.Max(pw, options.Step.TotalSeconds);
            notes.Add(string.Create(inv, $"Activation, {push.Policy} (push) vs keda-backlog (polling every {k.PollingInterval.TotalSeconds:0.#} s): a replica requested {pw:0.#} s vs {kw:0.#} s after the first waiting message on average: {kw / bound:0.#}x faster (push measured as at least one {options.Step.TotalSeconds:0.#} s step)."));
        }

        var kedaResult = results.First(r => r.Policy == PolicyIds.KedaBacklog);
        var capacity = results.First(r => r.Policy == PolicyIds.MeshScalerCapacity);
        if (kedaResult.ReplicaSeconds > 0 && kedaResult.LagP99 is { } kp99 && capacity.LagP99 is { } cp99)
        {
            var saving = Bar.Saving(kedaResult, capacity);
            var beats = Bar.IsMet(kedaResult, capacity);
            var cost = saving >= 0
                ? string.Create(inv, $"{saving * 100:0.#} % fewer replica-seconds")
                : string.Create(inv, $"{-saving * 100:0.#} % more replica-seconds");
            notes.Add(string.Create(inv, $"Bar (capacity vs keda-backlog): {cost}, p99 lag {cp99:0.#} s vs {kp99:0.#} s: {(beats ? "met" : "not met")}."));
        }

        return notes;
    }

    private static string Describe(double? seconds) => seconds is { } s ? s.ToString("0.# s", System.Globalization.CultureInfo.InvariantCulture) : "no wake";
}
