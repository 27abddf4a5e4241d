using MeshScaler.Core;
using MeshScaler.Emulation.PulsarAdmin;

namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// A backend without HTTP: an <see cref="IPulsarAdmin"/> that reads the <see cref="EmulatedPulsar"/> state directly.
/// For tests of the simulator itself; the what-if verb reads through the emulator and the real admin client.
/// </summary>
public static class InProcessBackend
{
    public static readonly Uri AdminUrl = new("http://pulsar-sim:8080");

    public static SimulationBackendFactory Factory { get; } = (workload, clock, _) =>
    {
        var state = new EmulatedPulsar();
        var admin = new StateAdmin(state, workload, clock);
        return Task.FromResult(new SimulationBackend(admin, new SingleClusterResolver(AdminUrl), AdminUrl, "in-process state reader (no HTTP)"));
    };

    private sealed class SingleClusterResolver(Uri adminUrl) : IPulsarClusterResolver
    {
        public PulsarClusterRef Resolve(Uri? adminUrl1, string? clusterName) => new("sim", adminUrl);
    }

    private sealed class StateAdmin(EmulatedPulsar state, IPulsarWorkload workload, TimeProvider clock) : IPulsarAdmin
    {
        public Task<int> GetPartitionCountAsync(PulsarClusterRef cluster, TopicName topic, CancellationToken cancellationToken)
        {
            workload.Advance(state, clock.GetUtcNow());
            return Task.FromResult(state.Find(topic)?.Partitions ?? 0);
        }

        public Task<TopicStats> GetTopicStatsAsync(PulsarClusterRef cluster, TopicName topic, int partitions, CancellationToken cancellationToken)
        {
            workload.Advance(state, clock.GetUtcNow());
            var snapshot = state.Find(topic) ?? throw new ScalingException(ScalingErrorKind.NotFound, $"Topic {topic.FullName} not found");
            var subscriptions = snapshot.Subscriptions.ToDictionary(
                s => s.Name,
                s => new SubscriptionStats(s.Backlog.Sum(), s.MsgRateOut, s.Consumers, Math.Max(1, s.AvgMessagesPerEntry), s.Type, s.MsgOutCounter, EarliestPublishTimeInBacklog: s.Backlog.Sum() > 0 ? s.EarliestPublish : null),
                StringComparer.Ordinal);
            return Task.FromResult(new TopicStats(snapshot.MsgRateIn, snapshot.Partitions, subscriptions, snapshot.MsgInCounter));
        }

        public Task<IReadOnlyDictionary<TopicName, int>> ListTopicsAsync(PulsarClusterRef cluster, string tenant, string @namespace, CancellationToken cancellationToken)
        {
            workload.Advance(state, clock.GetUtcNow());
            IReadOnlyDictionary<TopicName, int> topics = state.InNamespace(tenant, @namespace).ToDictionary(t => t.Name, t => t.Partitions);
            return Task.FromResult(topics);
        }
    }
}
