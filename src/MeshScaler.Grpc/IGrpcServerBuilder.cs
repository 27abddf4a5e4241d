using Microsoft.Extensions.DependencyInjection;

namespace MeshScaler.Grpc;

/// <summary>Returned by <see cref="GrpcServiceCollectionExtensions.AddGrpcServer"/> to add methods.</summary>
public interface IGrpcServerBuilder
{
    IServiceCollection Services { get; }

    /// <summary>
    /// Adds a callback that registers methods. Callbacks run once, in order, when the registry is first resolved
    /// (at the latest when <c>UseGrpcServer</c> builds the pipeline); they may resolve services.
    /// </summary>
    IGrpcServerBuilder AddMethods(Action<GrpcServiceRegistry, IServiceProvider> register);
}
