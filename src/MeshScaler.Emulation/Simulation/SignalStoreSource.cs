using MeshScaler.Core;
using MeshScaler.Engine;

namespace MeshScaler.Emulation.Simulation;

/// <summary>MeshScaler's answers, computed exactly as the gRPC service computes them: from the shared <see cref="SignalStore"/>.</summary>
internal sealed class SignalStoreSource(SignalStore store, ScaleTarget target) : IExternalScalerSource
{
    public double Target => target.MetricTarget;

    /// <summary>As KEDA asks an external scaler: the GetMetrics call, then the IsActive call.</summary>
    public async Task<MetricsAndActivity> GetMetricsAndActivityAsync(CancellationToken cancellationToken)
    {
        var metric = (await store.GetMetricAsync(target, cancellationToken)).MetricValue;
        var active = (await store.GetAsync(target, cancellationToken)).IsActive;
        return new MetricsAndActivity(metric, active);
    }
}
