using MeshScaler.Emulation.Simulation;
using MeshScaler.Keda;

namespace MeshScaler.Simulation;

/// <summary>The KEDA model's view of MeshScaler: IsActive and GetMetrics over real gRPC, the target from GetMetricSpec.</summary>
internal sealed class GrpcScalerSource(KedaGrpcClient client, ScaledObjectRef scaledObject, string metricName, double target) : IExternalScalerSource
{
    public double Target => target;

    public Task<bool> IsActiveAsync(CancellationToken cancellationToken) => client.IsActiveAsync(scaledObject, cancellationToken);

    public async Task<double> GetMetricAsync(CancellationToken cancellationToken)
    {
        var response = await client.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = scaledObject, MetricName = metricName }, cancellationToken);
        var value = response.MetricValues.Single();

        // KEDA's rule: the float when > 0, else the integer.
        return value.MetricValueFloat > 0 ? value.MetricValueFloat : value.MetricValue_;
    }
}
