namespace MeshScaler.Emulation.Simulation;

/// <summary>The policy ids of results.json, in report order.</summary>
public static class PolicyIds
{
    public const string KedaBacklog = "keda-backlog";
    public const string CpuHpa = "cpu-hpa";
    public const string MeshScalerBacklog = "meshscaler-backlog";
    public const string MeshScalerCapacity = "meshscaler-capacity";

    public static IReadOnlyList<string> All { get; } = [KedaBacklog, CpuHpa, MeshScalerBacklog, MeshScalerCapacity];
}
