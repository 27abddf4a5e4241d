using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>One evaluation of a target: the observations and learned rate it read, and the signal they gave.</summary>
internal sealed record Evaluation(TopicObservation[] Observations, double? Rate, ScalingSignal Signal, RunnerObservation? Runner = null)
{
    /// <summary>When the newest data it read was fetched.</summary>
    public DateTimeOffset Newest { get; } = Observations.Length == 0 ? DateTimeOffset.MinValue : Observations.Max(o => o.FetchedAt);

    /// <summary>Whether <paramref name="observations"/> are the very observations this evaluation read (a subject hands out one per fetch).</summary>
    public bool Matches(IReadOnlyList<TopicObservation> observations, RunnerObservation? runner = null)
    {
        if (observations.Count != Observations.Length || !ReferenceEquals(runner, Runner))
        {
            return false;
        }

        for (var i = 0; i < Observations.Length; i++)
        {
            if (!ReferenceEquals(observations[i], Observations[i]))
            {
                return false;
            }
        }

        return true;
    }
}
