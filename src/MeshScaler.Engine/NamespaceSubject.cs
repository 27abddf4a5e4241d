using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>One (cluster, tenant/namespace) topic list, for <c>topicPattern</c> triggers.</summary>
internal sealed class NamespaceSubject
{
    public NamespaceSubject(
        PulsarClusterRef cluster, string tenant, string @namespace, IPulsarAdmin admin, TimeProvider time,
        Action<FetchFailure?, bool> observer)
    {
        Cluster = cluster;
        Name = $"{tenant}/{@namespace}";
        Topics = new PolledValue<IReadOnlyDictionary<TopicName, int>>(
            ct => admin.ListTopicsAsync(cluster, tenant, @namespace, ct), time, observer);
    }

    public PulsarClusterRef Cluster { get; }

    public string Name { get; }

    public PolledValue<IReadOnlyDictionary<TopicName, int>> Topics { get; }
}
