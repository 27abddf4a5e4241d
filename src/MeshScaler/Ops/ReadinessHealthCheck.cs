using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MeshScaler.Ops;

/// <summary>
/// Ready: started and not stopping. The one readiness rule, behind both <c>/readyz</c> and <c>grpc.health.v1.Health</c>
/// (Check and Watch, which Kubernetes' gRPC probes call). It never depends on Pulsar: an outage must not restart or
/// unroute the scaler, whose job then is to answer UNAVAILABLE.
/// </summary>
internal sealed class ReadinessHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public const string Name = "ready";

    public bool IsReady => lifetime.ApplicationStarted.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(IsReady ? HealthCheckResult.Healthy("started") : HealthCheckResult.Unhealthy(
            lifetime.ApplicationStopping.IsCancellationRequested ? "stopping" : "starting"));
}
