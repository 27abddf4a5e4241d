namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// What the KEDA model asks a scaler, as KEDA asks an external scaler: <c>IsActive</c>, and <c>GetMetrics</c> against the
/// AverageValue target <c>GetMetricSpec</c> returned. Implementations throw on failure; the model then changes nothing.
/// </summary>
public interface IExternalScalerSource
{
    /// <summary>The AverageValue target (GetMetricSpec's targetSizeFloat).</summary>
    double Target { get; }

    Task<bool> IsActiveAsync(CancellationToken cancellationToken);

    Task<double> GetMetricAsync(CancellationToken cancellationToken);
}
