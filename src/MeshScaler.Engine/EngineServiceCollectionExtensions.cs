using MeshScaler.Engine;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Microsoft.Extensions.DependencyInjection;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Adds the signal store and its poll loop. Needs an <c>IPulsarAdmin</c> and an <c>IPulsarClusterResolver</c>
    /// (see <c>AddPulsarAdmin</c>). Options bind from <c>MeshScaler:Pulsar</c> and are validated at start. The Engine's
    /// series go to the container's prometheus-net <see cref="CollectorRegistry"/>, one per container (added when
    /// missing), never the process-wide default registry: two hosts in one process keep their own series, and the
    /// default registry's runtime collectors are never started.
    /// </summary>
    public static IServiceCollection AddSignalEngine(this IServiceCollection services)
    {
        services.AddOptions<SignalStoreOptions>().BindConfiguration(SignalStoreOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalStoreOptions>, SignalStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CollectorRegistry>(_ => Metrics.NewCustomRegistry());
        services.TryAddSingleton(sp => new EngineMetrics(sp.GetRequiredService<CollectorRegistry>(), sp.GetRequiredService<ILogger<EngineMetrics>>()));
        services.TryAddSingleton<SignalStore>();
        services.AddHostedService<SignalPoller>();
        return services;
    }
}
