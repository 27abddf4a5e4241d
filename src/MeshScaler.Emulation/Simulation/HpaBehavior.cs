namespace MeshScaler.Emulation.Simulation;

/// <summary>An HPA's <c>spec.behavior</c>.</summary>
public sealed record HpaBehavior(HpaScalingRules ScaleUp, HpaScalingRules ScaleDown)
{
    /// <summary>
    /// What an HPA without <c>spec.behavior</c> does (kubernetes <c>pkg/apis/autoscaling/v2/defaults.go</c>): scale-up
    /// without stabilization, at most max(4 pods, 100 %) per 15 s; scale-down after 300 s stabilization, 100 % per 15 s.
    /// </summary>
    public static HpaBehavior Default { get; } = new(
        new HpaScalingRules(TimeSpan.Zero, [new(HpaPolicyType.Pods, 4, TimeSpan.FromSeconds(15)), new(HpaPolicyType.Percent, 100, TimeSpan.FromSeconds(15))]),
        new HpaScalingRules(TimeSpan.FromSeconds(300), [new(HpaPolicyType.Percent, 100, TimeSpan.FromSeconds(15))]));
}
