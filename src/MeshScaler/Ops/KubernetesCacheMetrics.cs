using MeshScaler.Engine;
using MeshScaler.Kubernetes;
using Prometheus;

namespace MeshScaler.Ops;

/// <summary>
/// The watched caches on <c>/metrics</c>: objects held and whether each resource is listed in every scope, read from the
/// caches at each scrape (nothing is stored between scrapes). No series when the cluster is not read.
/// </summary>
internal sealed class KubernetesCacheMetrics
{
    private readonly FunctionMeshCacheStatus _status;
    private readonly Gauge _objects;
    private readonly Gauge _synced;

    public KubernetesCacheMetrics(CollectorRegistry registry, FunctionMeshCacheStatus status)
    {
        _status = status;
        var factory = MetricFactories.For(registry);
        _objects = factory.CreateGauge("meshscaler_kubernetes_objects", "Objects in the watched cache, by resource.", ["resource"]);
        _synced = factory.CreateGauge("meshscaler_kubernetes_synced", "1 when the resource has been listed in every watched scope (function: triggers resolve from it), else 0.", ["resource"]);
        registry.AddBeforeCollectCallback(Refresh);
    }

    private void Refresh()
    {
        foreach (var cache in _status.Read())
        {
            _objects.WithLabels([cache.Resource]).Set(cache.Objects);
            _synced.WithLabels([cache.Resource]).Set(cache.Synced ? 1 : 0);
        }
    }
}
