using Microsoft.Extensions.DependencyInjection;

namespace MeshScaler.Grpc;

internal sealed class GrpcServerBuilder(IServiceCollection services) : IGrpcServerBuilder
{
    public IServiceCollection Services { get; } = services;

    public IGrpcServerBuilder AddMethods(Action<GrpcServiceRegistry, IServiceProvider> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        Services.AddSingleton(new GrpcMethodRegistration(register));
        return this;
    }
}
