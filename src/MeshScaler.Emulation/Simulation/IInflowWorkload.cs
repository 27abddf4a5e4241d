namespace MeshScaler.Emulation.Simulation;

/// <summary>A publish rate over time. Must be a pure function of the time (seeded randomness is drawn up front).</summary>
public interface IInflowWorkload
{
    /// <summary>The name shown in reports (a preset name or the trace file name).</summary>
    string Name { get; }

    /// <summary>Messages per second published at <paramref name="seconds"/> after the start of the run; never negative.</summary>
    double RateAt(double seconds);
}
