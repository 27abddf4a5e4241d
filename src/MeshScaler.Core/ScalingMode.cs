namespace MeshScaler.Core;

/// <summary>What the metric served to the autoscaler means.</summary>
public enum ScalingMode
{
    /// <summary>Metric = backlog (entries), AverageValue target = <c>msgBacklogThreshold</c>. KEDA's pulsar scaler does this.</summary>
    Backlog,

    /// <summary>Metric = desired replicas computed from inflow, backlog and per-replica rate; target = 1.</summary>
    Capacity,
}
