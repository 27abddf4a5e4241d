namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>A scripted workload: sets the emulated state for a point in time. Must be deterministic in <c>now</c>.</summary>
public interface IPulsarWorkload
{
    /// <summary>Brings <paramref name="state"/> to what the workload says it is at <paramref name="now"/>.</summary>
    void Advance(EmulatedPulsar state, DateTimeOffset now);
}
