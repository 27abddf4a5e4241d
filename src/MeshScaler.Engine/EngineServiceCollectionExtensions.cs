using MeshScaler.Engine;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Adds the signal store and its poll loop. Needs an <c>IPulsarAdmin</c> and an <c>IPulsarClusterResolver</c>
    /// (see <c>AddPulsarAdmin</c>). Options bind from <c>MeshScaler:Pulsar</c> and are validated at start.
    /// </summary>
    public static IServiceCollection AddSignalEngine(this IServiceCollection services)
    {
        services.AddOptions<SignalStoreOptions>().BindConfiguration(SignalStoreOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalStoreOptions>, SignalStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<EngineMetrics>();
        services.TryAddSingleton<SignalStore>();
        services.AddHostedService<SignalPoller>();
        return services;
    }
}
