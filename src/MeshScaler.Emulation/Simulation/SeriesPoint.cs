namespace MeshScaler.Emulation.Simulation;

/// <summary>One policy's state at one sampled instant (a row of <c>series.csv</c>).</summary>
/// <param name="Seconds">Since the start of the run.</param>
/// <param name="Inflow">Published msg/s at that instant.</param>
/// <param name="Backlog">Messages waiting.</param>
/// <param name="Lag">Age in seconds of the oldest waiting message.</param>
/// <param name="Replicas">Requested replicas.</param>
/// <param name="Ready">Ready replicas.</param>
/// <param name="Processed">Messages processed in the step, per second.</param>
public sealed record SeriesPoint(double Seconds, string Policy, double Inflow, long Backlog, double Lag, int Replicas, int Ready, double Processed);
