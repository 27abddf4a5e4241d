using MeshScaler.Core;
using MeshScaler.Engine;

namespace MeshScaler.Emulation.Simulation;

/// <summary>One what-if run: the workload, how long, the seed and the settings every policy shares.</summary>
public sealed class WhatIfOptions
{
    public required IInflowWorkload Workload { get; init; }

    /// <summary>Simulated time. Default 6 h.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Seeds the model's jitter, the same for every policy, and the controllers' phases (presets take it separately). Default 1.
    /// </summary>
    public int Seed { get; init; } = 1;

    /// <summary>The lag SLO behind <see cref="PolicyResult.SecondsOverSlo"/>. Default 30 s.</summary>
    public TimeSpan LagSlo { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Simulation step. Default 1 s; must divide every controller period.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often series points are taken. Default: duration / 1440, at least one step, in whole steps.</summary>
    public TimeSpan? SeriesInterval { get; init; }

    public FunctionModelOptions Model { get; init; } = new();

    /// <summary>The HPA of every policy. Default: min 1, max 50, 15 s sync, 0.1 tolerance, default behavior.</summary>
    public HpaSettings Hpa { get; init; } = new();

    /// <summary>
    /// KEDA's polling and cooldown for policies 1, 3 and 4 (push is switched on for 3 and 4). Default 30 s / 300 s. Their
    /// HPA gets <c>minReplicas = max(minReplicaCount, 1)</c>, as KEDA creates it.
    /// </summary>
    public KedaSettings Keda { get; init; } = new();

    /// <summary>
    /// The one drain target every backlog-driven policy is given, so they are compared on the same goal: policies 1 and 3
    /// get <see cref="MsgBacklogThreshold"/> = per-replica rate × this, policy 4 <c>targetDrainSeconds</c> = this.
    /// Default 10 s (a threshold of 1000 at 100 msg/s per replica).
    /// </summary>
    public TimeSpan DrainSeconds { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>msgBacklogThreshold</c> of policies 1 and 3 (entries per replica): <see cref="FunctionModelOptions.PerReplicaRate"/>
    /// × <see cref="DrainSeconds"/>, the backlog one replica drains in that time. KEDA's own default of 10 would call for
    /// a replica per 10 waiting messages.
    /// </summary>
    public double MsgBacklogThreshold => Model.PerReplicaRate * DrainSeconds.TotalSeconds;

    /// <summary>
    /// <c>catchUpRatio</c> of policy 4 (capacity mode): how fast a large backlog's lag falls, in seconds per second.
    /// Default: the trigger's own default (<see cref="MetadataDefaults.CatchUpRatio"/>).
    /// </summary>
    public double CatchUpRatio { get; init; } = MetadataDefaults.CatchUpRatio;

    /// <summary>CPU utilization target of policy 2. Default 0.8.</summary>
    public double CpuTarget { get; init; } = 0.8;

    /// <summary>MeshScaler's poll interval (<c>MeshScaler:Pulsar:PollInterval</c>). Default 5 s.</summary>
    public TimeSpan MeshScalerPollInterval { get; init; } = new SignalStoreOptions().PollInterval;

    /// <summary>
    /// MeshScaler's wake poll interval (<c>MeshScaler:Pulsar:WakePollInterval</c>): the topics of an inactive pushed
    /// target are polled this often, and the store's poll loop ticks at it. Default 1 s; at most the poll interval.
    /// </summary>
    public TimeSpan MeshScalerWakePollInterval { get; init; } = new SignalStoreOptions().WakePollInterval;

    /// <summary>
    /// When KEDA polls and the HPA syncs relative to the start; null (the default) draws them from <see cref="Seed"/>.
    /// Every lane of a run shares them.
    /// </summary>
    public ControllerPhases? Phases { get; init; }

    /// <summary>Returns every invalid setting, each naming it; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Model.Validate());
        if (Duration <= TimeSpan.Zero)
        {
            errors.Add($"duration must be positive (was {Duration})");
        }

        if (Step <= TimeSpan.Zero)
        {
            errors.Add($"step must be positive (was {Step})");
        }
        else
        {
            foreach (var (name, period) in new[]
            {
                ("HPA sync period", Hpa.SyncPeriod), ("KEDA pollingInterval", Keda.PollingInterval), ("MeshScaler poll interval", MeshScalerPollInterval),
                ("MeshScaler wake poll interval", MeshScalerWakePollInterval),
            })
            {
                if (period <= TimeSpan.Zero || period.Ticks % Step.Ticks != 0)
                {
                    errors.Add($"{name} ({period.TotalSeconds} s) must be a positive multiple of the step ({Step.TotalSeconds} s)");
                }
            }
        }

        if (MeshScalerWakePollInterval > MeshScalerPollInterval)
        {
            errors.Add($"MeshScaler wake poll interval ({MeshScalerWakePollInterval.TotalSeconds} s) must be at most the poll interval ({MeshScalerPollInterval.TotalSeconds} s)");
        }

        if (LagSlo <= TimeSpan.Zero)
        {
            errors.Add($"lag SLO must be positive (was {LagSlo})");
        }

        if (DrainSeconds <= TimeSpan.Zero)
        {
            errors.Add($"drain seconds must be positive (was {DrainSeconds.TotalSeconds} s)");
        }

        if (Keda.CooldownPeriod < TimeSpan.Zero || Keda.InitialCooldownPeriod < TimeSpan.Zero)
        {
            errors.Add($"KEDA cooldownPeriod and initialCooldownPeriod must not be negative (were {Keda.CooldownPeriod.TotalSeconds} s, {Keda.InitialCooldownPeriod.TotalSeconds} s)");
        }

        if (Keda.MinReplicaCount < 0 || Keda.MinReplicaCount > Hpa.MaxReplicas)
        {
            errors.Add($"KEDA minReplicaCount must be in [0, max replicas {Hpa.MaxReplicas}] (was {Keda.MinReplicaCount})");
        }

        if (Hpa.MinReplicas < 1 || Hpa.MaxReplicas < Hpa.MinReplicas)
        {
            errors.Add($"max replicas must be at least the HPA's min replicas {Hpa.MinReplicas}, itself at least 1 (was {Hpa.MinReplicas}..{Hpa.MaxReplicas})");
        }

        if (!(CatchUpRatio > 0 && CatchUpRatio <= MetadataDefaults.MaxRatio))
        {
            errors.Add($"catch-up ratio must be in (0, {MetadataDefaults.MaxRatio}] (was {CatchUpRatio})");
        }

        if (!(CpuTarget > 0 && CpuTarget <= 1))
        {
            errors.Add($"CPU target must be in (0, 1] (was {CpuTarget})");
        }

        return errors;
    }
}
