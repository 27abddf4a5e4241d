namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// Nothing for <c>idle</c>, then <c>rate</c> msg/s for <c>burst</c>, repeated: every burst is a scale from zero.
/// </summary>
public sealed class IdleBurstWorkload(string name, TimeSpan idle, TimeSpan burst, double rate) : IInflowWorkload
{
    public string Name { get; } = name;

    public double RateAt(double seconds)
    {
        var cycle = (idle + burst).TotalSeconds;
        var within = seconds % cycle;
        return within >= idle.TotalSeconds ? rate : 0;
    }
}
