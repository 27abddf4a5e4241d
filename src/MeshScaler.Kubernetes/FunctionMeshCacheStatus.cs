namespace MeshScaler.Kubernetes;

/// <summary>One watched resource's cache: how many objects it holds and whether every scope has been listed.</summary>
public sealed record KubernetesCacheState(string Resource, int Objects, bool Synced);

/// <summary>
/// The state of the watched caches, for <c>/metrics</c>: what an operator checks first when a <c>function:</c> trigger
/// says a Function does not exist (not listed yet, or denied). Empty when the cluster is not read.
/// </summary>
public sealed class FunctionMeshCacheStatus
{
    private readonly FunctionMeshCaches? _caches;

    internal FunctionMeshCacheStatus(FunctionMeshCaches? caches) => _caches = caches;

    public IReadOnlyList<KubernetesCacheState> Read()
    {
        if (_caches is not { } caches)
        {
            return [];
        }

        return
        [
            State(caches.Functions),
            State(caches.Sinks),
            State(caches.Sources),
            State(caches.Meshes),
            State(caches.ConfigMaps),
            State(caches.Pods),
        ];
    }

    // Every scope of a kind shares one cache, so its count is read once.
    private static KubernetesCacheState State<T>(InformerSet<T> informers)
        where T : class
    {
        var first = informers.Informers[0];
        return new KubernetesCacheState(first.Resource, first.Cache.Count, informers.Informers.All(i => i.Synced));
    }
}
