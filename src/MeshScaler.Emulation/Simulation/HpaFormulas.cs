namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// The HPA's replica proposals (kubernetes <c>replica_calculator.go</c>), before stabilization and rate limits. A ratio
/// within [1 − tolerance, 1 + tolerance] keeps the current count.
/// </summary>
public static class HpaFormulas
{
    /// <summary>The controller's default tolerance.</summary>
    public const double DefaultTolerance = 0.1;

    /// <summary>
    /// External (or Object) metric with an <c>AverageValue</c> target: ratio = value / (target × current); outside the
    /// tolerance the proposal is ceil(value / target), inside it the current count.
    /// </summary>
    public static int AverageValue(double value, double target, int currentReplicas, double tolerance = DefaultTolerance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(target, 0);
        var ratio = currentReplicas == 0 ? double.PositiveInfinity : value / (target * currentReplicas);
        if (currentReplicas > 0 && Within(ratio, tolerance))
        {
            return currentReplicas;
        }

        return (int)Math.Ceiling(value / target);
    }

    /// <summary>
    /// External metric with a <c>Value</c> target: ratio = value / target; with replicas, the current count inside the
    /// tolerance and ceil(ratio × readyPods) outside it; with none, ceil(ratio).
    /// </summary>
    public static int Value(double value, double target, int currentReplicas, int readyPods, double tolerance = DefaultTolerance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(target, 0);
        var ratio = value / target;
        if (currentReplicas == 0)
        {
            return (int)Math.Ceiling(ratio);
        }

        return Within(ratio, tolerance) ? currentReplicas : (int)Math.Ceiling(ratio * readyPods);
    }

    /// <summary>
    /// Resource metric with a <c>Utilization</c> target (CPU). <paramref name="utilization"/> is the mean over ready
    /// pods (0.8 = 80 %). Unready pods count as 0 on a scale-up, and the ratio is recomputed over every pod; a
    /// recomputed ratio inside the tolerance keeps the current count.
    /// </summary>
    public static int Utilization(double utilization, double target, int currentReplicas, int readyPods, double tolerance = DefaultTolerance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(target, 0);
        if (readyPods == 0)
        {
            return currentReplicas;
        }

        var ratio = utilization / target;
        var unready = Math.Max(0, currentReplicas - readyPods);
        if (unready == 0 || ratio <= 1)
        {
            return Within(ratio, tolerance) ? currentReplicas : (int)Math.Ceiling(ratio * readyPods);
        }

        var all = readyPods + unready;
        var recomputed = utilization * readyPods / (target * all);
        return Within(recomputed, tolerance) || recomputed < 1 ? currentReplicas : (int)Math.Ceiling(recomputed * all);
    }

    private static bool Within(double ratio, double tolerance) => ratio >= 1 - tolerance && ratio <= 1 + tolerance;
}
