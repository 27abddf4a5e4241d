namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// One policy's outcome on one workload: the object of <c>results.json</c>. Lags are in seconds over every message
/// (messages still waiting at the end count with their age then); null when no message arrived.
/// </summary>
/// <param name="ReplicaSeconds">Sum of requested replicas × seconds: the cost.</param>
/// <param name="WakeSeconds">Mean over wakes from zero of the time from the first message arriving with no replica to the first one processed; null without a wake (the initial deployment is not one).</param>
/// <param name="ScaleEvents">Times the replica count changed.</param>
/// <param name="SecondsOverSlo">Seconds during which the oldest waiting message was older than the lag SLO.</param>
/// <param name="ActivationSeconds">
/// Mean over wakes from zero of the time from the first message arriving with no replica to a replica being requested
/// (the scaler's part of the wake; the rest is startup); null without a wake. The initial deployment is not a wake.
/// </param>
public sealed record PolicyResult(
    string Policy,
    string Workload,
    double ReplicaSeconds,
    double? LagP50,
    double? LagP95,
    double? LagP99,
    double? LagMax,
    double? WakeSeconds,
    int ScaleEvents,
    double SecondsOverSlo,
    double? ActivationSeconds);
