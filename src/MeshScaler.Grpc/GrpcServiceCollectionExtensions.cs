using MeshScaler.Grpc.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshScaler.Grpc;

public static class GrpcServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gRPC server: options (validated at start), the method registry with the standard
    /// <c>grpc.health.v1.Health</c> service, <see cref="GrpcHealthStatus"/>, and the middleware used by
    /// <see cref="GrpcApplicationBuilderExtensions.UseGrpcServer"/>. Uses the registered <see cref="TimeProvider"/>
    /// (<see cref="TimeProvider.System"/> if none). Calling it again only applies <paramref name="configure"/>.
    /// </summary>
    public static IGrpcServerBuilder AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new GrpcServerBuilder(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(GrpcServiceRegistry)))
        {
            return builder;
        }

        services.AddOptions<GrpcServerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrpcServerOptions>, GrpcServerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new GrpcHealthStatus(
            sp.GetRequiredService<ILoggerFactory>().CreateLogger(GrpcServerMiddleware.LoggerCategory)));
        services.AddHostedService<GrpcHealthLifecycle>();
        services.AddSingleton(sp =>
        {
            var registry = new GrpcServiceRegistry();
            GrpcHealthService.Register(registry, sp.GetRequiredService<GrpcHealthStatus>());
            foreach (var registration in sp.GetServices<GrpcMethodRegistration>())
            {
                registration.Register(registry, sp);
            }

            registry.Freeze();
            return registry;
        });
        return builder;
    }
}
