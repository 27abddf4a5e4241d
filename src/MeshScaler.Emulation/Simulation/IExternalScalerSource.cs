namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// What the KEDA model asks a scaler, as KEDA asks one: its metric and its activity together (KEDA's
/// <c>GetMetricsAndActivity</c>, on its own poll every pollingInterval and on every HPA sync), the metric read against
/// the AverageValue target <c>GetMetricSpec</c> returned. Implementations throw on failure; the model then changes nothing.
/// </summary>
public interface IExternalScalerSource
{
    /// <summary>The AverageValue target (GetMetricSpec's targetSizeFloat).</summary>
    double Target { get; }

    /// <summary>The metric value and the activity, in the order KEDA asks for them (for an external scaler: <c>GetMetrics</c>, then <c>IsActive</c>).</summary>
    Task<MetricsAndActivity> GetMetricsAndActivityAsync(CancellationToken cancellationToken);
}
