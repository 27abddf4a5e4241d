namespace MeshScaler.Core;

/// <summary>Learns how many messages per second one replica processes.</summary>
/// <remarks>
/// A sample is the subscription's out-rate divided by its consumer count, taken only while a backlog exists: only then
/// are the consumers saturated, so the rate measures capacity rather than demand. Samples are smoothed exponentially
/// (<see cref="Alpha"/> = 0.3, about the last three polls dominating) so one noisy broker window does not swing the
/// replica count. The first sample is taken as is.
/// </remarks>
public static class RateLearner
{
    public const double Alpha = 0.3;

    /// <summary>Returns the new estimate, or <paramref name="previous"/> when this observation teaches nothing.</summary>
    public static double? Observe(double? previous, double backlog, double outRate, int consumers)
    {
        if (backlog <= 0 || consumers <= 0 || outRate <= 0 || !double.IsFinite(outRate))
        {
            return previous;
        }

        var sample = outRate / consumers;
        return previous is { } p ? p + (Alpha * (sample - p)) : sample;
    }
}
