using MeshScaler.Emulation.Simulation;
using MeshScaler.Keda;

namespace MeshScaler.Simulation;

/// <summary>The KEDA model's view of MeshScaler: IsActive and GetMetrics over real gRPC, the target from GetMetricSpec.</summary>
internal sealed class GrpcScalerSource(KedaGrpcClient client, ScaledObjectRef scaledObject, string metricName, double target) : IExternalScalerSource
{
    public double Target => target;

    /// <summary>Two RPCs, in KEDA's order: GetMetrics, then IsActive.</summary>
    public async Task<MetricsAndActivity> GetMetricsAndActivityAsync(CancellationToken cancellationToken)
    {
        var response = await client.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = scaledObject, MetricName = metricName }, cancellationToken);
        var value = response.MetricValues.Single();
        var active = await client.IsActiveAsync(scaledObject, cancellationToken);

        // KEDA's rule: the float when > 0, else the integer.
        return new MetricsAndActivity(value.MetricValueFloat > 0 ? value.MetricValueFloat : value.MetricValue_, active);
    }
}
