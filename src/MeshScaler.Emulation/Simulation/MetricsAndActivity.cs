namespace MeshScaler.Emulation.Simulation;

/// <summary>One answer of <see cref="IExternalScalerSource.GetMetricsAndActivityAsync"/>.</summary>
public readonly record struct MetricsAndActivity(double Metric, bool Active);
