namespace MeshScaler.Emulation.Simulation;

/// <summary>One HPA scaling policy: at most <paramref name="Value"/> (pods or percent) per <paramref name="Period"/>.</summary>
public sealed record HpaScalingPolicy(HpaPolicyType Type, int Value, TimeSpan Period);
