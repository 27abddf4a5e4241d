namespace MeshScaler.Emulation.Simulation;

/// <summary>The ScaledObject settings the KEDA model uses.</summary>
public sealed record KedaSettings
{
    /// <summary><c>pollingInterval</c>; default 30 s. Drives 0 ↔ 1.</summary>
    public TimeSpan PollingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>cooldownPeriod</c>; default 300 s: scale to zero only this long after the last activity.</summary>
    public TimeSpan CooldownPeriod { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// <c>initialCooldownPeriod</c>; default 0: before any activity, scale to zero is allowed once
    /// <c>creationTimestamp + initialCooldownPeriod</c> has passed (the <c>cooldownPeriod</c> only counts from activity).
    /// </summary>
    public TimeSpan InitialCooldownPeriod { get; init; }

    /// <summary><c>minReplicaCount</c>; default 0. The HPA gets <c>minReplicas = max(minReplicaCount, 1)</c>.</summary>
    public int MinReplicaCount { get; init; }

    /// <summary>Whether a pushed <c>true</c> (StreamIsActive, <c>external-push</c>) activates between polls.</summary>
    public bool Push { get; init; }
}
