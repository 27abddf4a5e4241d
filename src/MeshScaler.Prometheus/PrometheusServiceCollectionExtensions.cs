using MeshScaler.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshScaler.Prometheus;

/// <summary>Registration of the runner scraper.</summary>
public static class PrometheusServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IRunnerScraper"/> and binds and validates <see cref="RunnerScrapeOptions"/> at start.</summary>
    public static IServiceCollection AddRunnerScraper(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RunnerScrapeOptions>().BindConfiguration(RunnerScrapeOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RunnerScrapeOptions>, RunnerScrapeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRunnerScraper, RunnerScraper>();
        return services;
    }
}
