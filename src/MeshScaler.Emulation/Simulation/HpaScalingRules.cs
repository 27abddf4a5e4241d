namespace MeshScaler.Emulation.Simulation;

/// <summary>One direction of an HPA <c>behavior</c>.</summary>
/// <param name="StabilizationWindow">Recommendations considered: the lowest (scale-up) or highest (scale-down) of this window wins.</param>
/// <param name="SelectMax"><c>selectPolicy: Max</c> (the policy allowing the biggest change) when true, <c>Min</c> when false.</param>
/// <param name="Disabled"><c>selectPolicy: Disabled</c>: no change in this direction.</param>
public sealed record HpaScalingRules(TimeSpan StabilizationWindow, IReadOnlyList<HpaScalingPolicy> Policies, bool SelectMax = true, bool Disabled = false);
