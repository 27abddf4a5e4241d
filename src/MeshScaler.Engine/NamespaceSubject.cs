using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>One (cluster, tenant/namespace) topic list, for <c>topicPattern</c> triggers, with each topic's partition count.</summary>
internal sealed class NamespaceSubject : Subject<IReadOnlyDictionary<TopicName, int>>
{
    private readonly IPulsarAdmin _admin;
    private readonly string _tenant;
    private readonly string _namespace;

    public NamespaceSubject(PulsarClusterRef cluster, string tenant, string @namespace, IPulsarAdmin admin, TimeProvider time, UpstreamTelemetry telemetry)
        : base(cluster, "topics", $"{tenant}/{@namespace}", time, telemetry)
    {
        _admin = admin;
        _tenant = tenant;
        _namespace = @namespace;
    }

    protected override string Description => $"topic list of {Name}";

    /// <summary>A listing is refreshed only every TopicListRefresh, so it is servable that much longer.</summary>
    protected override TimeSpan ServableAge(SignalStoreOptions options) => options.TopicListRefresh + options.MaxStaleness;

    protected override TimeSpan Interval(SignalStoreOptions options, bool wake) => options.TopicListRefresh;

    public override bool UsedBy(TargetState target) =>
        target.Cluster.Name == Cluster.Name && target.Target.Topics is TopicPattern p && p.Tenant == _tenant && p.Namespace == _namespace;

    protected override Task<IReadOnlyDictionary<TopicName, int>> FetchAsync(CancellationToken cancellationToken) =>
        _admin.ListTopicsAsync(Cluster, _tenant, _namespace, cancellationToken);
}
