using Microsoft.Extensions.Hosting;

namespace MeshScaler.Grpc.Health;

/// <summary>Ties the overall health status to the host: Serving once started, NotServing once stopping.</summary>
internal sealed class GrpcHealthLifecycle(GrpcHealthStatus health, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(health.MarkStarted);
        lifetime.ApplicationStopping.Register(health.MarkStopping);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
