namespace MeshScaler.Core;

/// <summary>Learns how many messages per second one replica processes.</summary>
/// <remarks>
/// <para>Exact samples (<see cref="Observe(double?, ScalingSignal)"/>): the out-rate per consumer derived from Pulsar's
/// counters over one poll interval during which the consumers were saturated — a backlog at both ends of the interval
/// and the same consumers throughout (<see cref="ScalingSignal.CapacitySample"/>). Such a sample measures capacity, not
/// demand, and contains no partly-saturated window, so it moves the estimate symmetrically with <see cref="Alpha"/> = 0.3:
/// a lower sample is as true as a higher one (a slower replica, a heavier payload) and must be learned as fast. The
/// first sample is taken as is. While counters are reported but the interval was not saturated, nothing is learned:
/// falling back to the windowed rate then would reintroduce the error the counters remove.</para>
/// <para>Windowed samples (only when the broker reports no counters): the subscription's windowed out-rate divided by
/// its consumer count, taken while a backlog exists. Smoothing is then asymmetric: a higher sample moves the estimate
/// with <see cref="Alpha"/>, a lower one with <see cref="AlphaDown"/> = 0.02 only, because a window that was only partly
/// saturated (a replica that just started, a backlog that appeared mid-window) reports less than the replicas can do,
/// and the same low window is seen on every poll until the broker recomputes it. The asymmetry is kept for this path
/// only: its reason, the windowed average, does not exist for counter-derived samples.</para>
/// </remarks>
public static class RateLearner
{
    /// <summary>Weight of an exact sample, and of a windowed sample above the estimate.</summary>
    public const double Alpha = 0.3;

    /// <summary>Weight of a windowed sample below the estimate.</summary>
    public const double AlphaDown = 0.02;

    /// <summary>
    /// Returns the new estimate after one new observation summarised by <paramref name="signal"/>, or
    /// <paramref name="previous"/> when it teaches nothing.
    /// </summary>
    public static double? Observe(double? previous, ScalingSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (signal.CapacitySample is { } sample)
        {
            return ObserveExact(previous, sample);
        }

        return signal.CountersReported ? previous : Observe(previous, signal.Backlog, signal.OutRate, signal.Consumers);
    }

    /// <summary>One exact per-replica sample (msg/s), weighted symmetrically; invalid samples teach nothing.</summary>
    public static double? ObserveExact(double? previous, double sample)
    {
        if (!(sample > 0) || !double.IsFinite(sample))
        {
            return previous;
        }

        return previous is { } p ? p + (Alpha * (sample - p)) : sample;
    }

    /// <summary>One windowed sample: returns the new estimate, or <paramref name="previous"/> when this observation teaches nothing.</summary>
    public static double? Observe(double? previous, double backlog, double outRate, int consumers)
    {
        if (backlog <= 0 || consumers <= 0 || outRate <= 0 || !double.IsFinite(outRate))
        {
            return previous;
        }

        var sample = outRate / consumers;
        if (previous is not { } p)
        {
            return sample;
        }

        return p + ((sample >= p ? Alpha : AlphaDown) * (sample - p));
    }
}
