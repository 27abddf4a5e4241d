using Prometheus;

namespace MeshScaler.Engine;

/// <summary>How MeshScaler's series are created on a host's prometheus-net registry.</summary>
public static class MetricFactories
{
    /// <summary>
    /// A factory for <paramref name="registry"/> that records no exemplars: prometheus-net would otherwise read the
    /// current trace context on every increment and observation, a per-call cost for data nothing here uses.
    /// </summary>
    public static IMetricFactory For(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        return factory;
    }
}
