using MeshScaler.Core;

namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// KEDA's built-in pulsar scaler: fetches the topic's stats on every question and uses only
/// <c>subscriptions[sub].msgBacklog</c>; active while it is above <c>activationMsgBacklogThreshold</c>; a missing
/// subscription is an error, not 0.
/// </summary>
internal sealed class PulsarBacklogSource(
    IPulsarAdmin admin, PulsarClusterRef cluster, TopicName topic, string subscription, double msgBacklogThreshold, double activationThreshold) : IExternalScalerSource
{
    public double Target => msgBacklogThreshold;

    /// <summary>One stats fetch per question, as the built-in scaler's GetMetricsAndActivity does.</summary>
    public async Task<MetricsAndActivity> GetMetricsAndActivityAsync(CancellationToken cancellationToken)
    {
        var backlog = await BacklogAsync(cancellationToken);
        return new MetricsAndActivity(backlog, backlog > activationThreshold);
    }

    private async Task<long> BacklogAsync(CancellationToken cancellationToken)
    {
        var stats = await admin.GetTopicStatsAsync(cluster, topic, 0, cancellationToken);
        return stats.Subscriptions.TryGetValue(subscription, out var sub)
            ? sub.MsgBacklog
            : throw new ScalingException(ScalingErrorKind.NotFound, $"have not subscription found! {subscription}");
    }
}
