namespace MeshScaler.Emulation.Simulation;

/// <summary><c>behavior.scaleUp/scaleDown.policies[].type</c>.</summary>
public enum HpaPolicyType
{
    /// <summary>Change by at most <c>value</c> pods per period.</summary>
    Pods,

    /// <summary>Change by at most <c>value</c> % of the replicas at the start of the period.</summary>
    Percent,
}
