namespace MeshScaler.Emulation.Simulation;

/// <summary>The policy ids of results.json, in report order.</summary>
public static class PolicyIds
{
    public const string KedaBacklog = "keda-backlog";
    public const string CpuHpa = "cpu-hpa";
    public const string MeshScalerBacklog = "meshscaler-backlog";
    public const string MeshScalerCapacity = "meshscaler-capacity";

    /// <summary>The operator's HPA on MeshScaler's capacity metric through the metrics API (min 1, no KEDA).</summary>
    public const string MeshScalerHpa = "meshscaler-hpa";

    public static IReadOnlyList<string> All { get; } = [KedaBacklog, CpuHpa, MeshScalerBacklog, MeshScalerCapacity, MeshScalerHpa];

    /// <summary>The policies whose MeshScaler reads runner metrics from the model's replicas.</summary>
    public static IReadOnlyList<string> MeshScaler { get; } = [MeshScalerBacklog, MeshScalerCapacity, MeshScalerHpa];
}
