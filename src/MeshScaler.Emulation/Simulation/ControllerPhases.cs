namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// Where in its period each periodic controller fires, relative to the start of the run: a KEDA poll at
/// <see cref="KedaPolling"/> + k × pollingInterval, an HPA sync at <see cref="HpaSync"/> + k × sync period. Real
/// controllers are not aligned with the traffic, so a run draws them from its seed; every lane of a run shares them.
/// </summary>
/// <param name="KedaPolling">Offset of KEDA's polls, in [0, pollingInterval).</param>
/// <param name="HpaSync">Offset of the HPA's syncs, in [0, sync period).</param>
public sealed record ControllerPhases(TimeSpan KedaPolling, TimeSpan HpaSync)
{
    /// <summary>Whether a controller with <paramref name="period"/> and <paramref name="phase"/> fires at <paramref name="elapsed"/>.</summary>
    public static bool IsDue(TimeSpan elapsed, TimeSpan period, TimeSpan phase) =>
        elapsed >= phase && (elapsed - phase).Ticks % period.Ticks == 0;

    /// <summary>Draws both offsets uniformly in whole steps from <paramref name="seed"/>.</summary>
    public static ControllerPhases Draw(int seed, TimeSpan step, TimeSpan pollingInterval, TimeSpan syncPeriod)
    {
        var random = new Random(seed);
        var keda = step * random.Next(0, (int)(pollingInterval.Ticks / step.Ticks));
        var hpa = step * random.Next(0, (int)(syncPeriod.Ticks / step.Ticks));
        return new ControllerPhases(keda, hpa);
    }
}
