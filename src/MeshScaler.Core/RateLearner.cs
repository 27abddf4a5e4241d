namespace MeshScaler.Core;

/// <summary>Learns how many messages per second one replica processes.</summary>
/// <remarks>
/// <para>A sample is the subscription's out-rate divided by its consumer count, taken only while a backlog exists: only
/// then are the consumers saturated, so the rate measures capacity rather than demand. The first sample is taken as
/// is.</para>
/// <para>Smoothing is asymmetric. A higher sample moves the estimate with <see cref="Alpha"/> = 0.3 (about the last
/// three polls dominating), so one noisy broker window does not swing the replica count. A lower sample moves it with
/// <see cref="AlphaDown"/> = 0.02 only: the broker's rate is a windowed average (recomputed every
/// <c>statsUpdateFrequencyInSecs</c>, 60 s), so a window that was only partly saturated — a replica that just started,
/// a backlog that appeared mid-window — reports less than the replicas can do, and the same low window is seen on every
/// poll until the broker recomputes it. Trusting those samples made capacity mode over-provision after every wake and
/// burst (the what-if simulator showed 40+ replicas for a burst needing 14). A real drop in capacity is still learned,
/// over minutes, and the backlog term of the capacity formula covers the gap meanwhile.</para>
/// </remarks>
public static class RateLearner
{
    /// <summary>Weight of a sample above the estimate.</summary>
    public const double Alpha = 0.3;

    /// <summary>Weight of a sample below the estimate.</summary>
    public const double AlphaDown = 0.02;

    /// <summary>Returns the new estimate, or <paramref name="previous"/> when this observation teaches nothing.</summary>
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
