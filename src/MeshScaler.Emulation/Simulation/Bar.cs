namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// Issue 3's bar: capacity mode beats KEDA's backlog policy when it costs at least 25 % fewer replica-seconds at equal or
/// lower p99 lag, or has a lower p99 lag at equal or lower cost.
/// </summary>
public static class Bar
{
    /// <summary>The minimum saving of the first branch: 25 %.</summary>
    public const double MinimumSaving = 0.25;

    /// <summary>Whether <paramref name="capacity"/> meets the bar against <paramref name="keda"/>; false when a p99 is missing.</summary>
    public static bool IsMet(PolicyResult keda, PolicyResult capacity)
    {
        ArgumentNullException.ThrowIfNull(keda);
        ArgumentNullException.ThrowIfNull(capacity);
        if (keda.LagP99 is not { } kp99 || capacity.LagP99 is not { } cp99 || keda.ReplicaSeconds <= 0)
        {
            return false;
        }

        var saving = Saving(keda, capacity);
        return (saving >= MinimumSaving && cp99 <= kp99) || (cp99 < kp99 && capacity.ReplicaSeconds <= keda.ReplicaSeconds);
    }

    /// <summary>The fraction of <paramref name="keda"/>'s replica-seconds that <paramref name="capacity"/> saves (negative: costs more).</summary>
    public static double Saving(PolicyResult keda, PolicyResult capacity)
    {
        ArgumentNullException.ThrowIfNull(keda);
        ArgumentNullException.ThrowIfNull(capacity);
        return 1 - (capacity.ReplicaSeconds / keda.ReplicaSeconds);
    }
}
