using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshScaler.Prometheus;

/// <summary>Registers the Prometheus exposition of MeshScaler's own metrics.</summary>
public static class PrometheusServiceCollectionExtensions
{
    /// <summary>
    /// Registers the metrics collector (a singleton that listens from first resolution until disposal) and
    /// <see cref="PrometheusExpositionOptions"/>, validated at start. Serve it with <c>MapPrometheusMetrics</c>.
    /// Calling it again only adds <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddPrometheusExposition(
        this IServiceCollection services,
        Action<PrometheusExpositionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PrometheusExpositionOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddLogging();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<PrometheusExpositionOptions>, PrometheusExpositionOptionsValidator>());
        services.TryAddSingleton<MetricsCollector>();
        return services;
    }
}
