namespace MeshScaler.Emulation.Simulation;

/// <summary>An HPA's replica bounds, behavior and the controller's sync period and tolerance.</summary>
public sealed record HpaSettings
{
    /// <summary><c>minReplicas</c>; default 1 (KEDA sets max(minReplicaCount, 1)).</summary>
    public int MinReplicas { get; init; } = 1;

    /// <summary><c>maxReplicas</c>; default 50.</summary>
    public int MaxReplicas { get; init; } = 50;

    /// <summary>The controller's sync period; default 15 s.</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The controller's tolerance; default 0.1.</summary>
    public double Tolerance { get; init; } = HpaFormulas.DefaultTolerance;

    /// <summary><c>spec.behavior</c>; default <see cref="HpaBehavior.Default"/>.</summary>
    public HpaBehavior Behavior { get; init; } = HpaBehavior.Default;
}
