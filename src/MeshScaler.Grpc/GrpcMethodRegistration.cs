namespace MeshScaler.Grpc;

/// <summary>One <see cref="IGrpcServerBuilder.AddMethods"/> callback, kept in DI until the registry is built.</summary>
internal sealed record GrpcMethodRegistration(Action<GrpcServiceRegistry, IServiceProvider> Register);
