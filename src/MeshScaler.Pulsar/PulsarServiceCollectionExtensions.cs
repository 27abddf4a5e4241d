using MeshScaler.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshScaler.Pulsar;

/// <summary>Registration of the Pulsar admin client.</summary>
public static class PulsarServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IPulsarAdmin"/> and <see cref="IPulsarClusterResolver"/> (singletons), binds
    /// <see cref="PulsarOptions"/> from <c>MeshScaler:Pulsar</c> and validates it at start, and logs a warning at start
    /// when no cluster is configured. Uses the registered <see cref="TimeProvider"/>, adding <see cref="TimeProvider.System"/> if none.
    /// </summary>
    public static IServiceCollection AddPulsarAdmin(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PulsarOptions>().BindConfiguration(PulsarOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PulsarOptions>, PulsarOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PulsarClusterDirectory>();
        services.TryAddSingleton<IPulsarClusterResolver>(sp => sp.GetRequiredService<PulsarClusterDirectory>());
        services.TryAddSingleton<PulsarAdminClient>();
        services.TryAddSingleton<IPulsarAdmin>(sp => sp.GetRequiredService<PulsarAdminClient>());
        services.AddHostedService<PulsarStartupWarning>();
        return services;
    }
}
