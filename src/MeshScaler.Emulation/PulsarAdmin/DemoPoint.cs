namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>The demo workload at one instant: rates in messages per second, backlog in entries.</summary>
public sealed record DemoPoint(double MsgRateIn, long BacklogEntries, double MsgRateOut, int Replicas);
