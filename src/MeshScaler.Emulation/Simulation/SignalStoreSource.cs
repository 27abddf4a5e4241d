using MeshScaler.Core;
using MeshScaler.Engine;

namespace MeshScaler.Emulation.Simulation;

/// <summary>MeshScaler's answers, computed exactly as the gRPC service computes them: from the shared <see cref="SignalStore"/>.</summary>
internal sealed class SignalStoreSource(SignalStore store, ScaleTarget target) : IExternalScalerSource
{
    public double Target => target.MetricTarget;

    public ScaleTarget ScaleTarget => target;

    public async Task<bool> IsActiveAsync(CancellationToken cancellationToken) => (await store.GetAsync(target, cancellationToken)).IsActive;

    public async Task<double> GetMetricAsync(CancellationToken cancellationToken) => (await store.GetMetricAsync(target, cancellationToken)).MetricValue;
}
