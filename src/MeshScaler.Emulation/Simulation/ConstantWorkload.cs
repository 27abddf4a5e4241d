namespace MeshScaler.Emulation.Simulation;

/// <summary>The same rate all the time.</summary>
public sealed class ConstantWorkload(string name, double rate) : IInflowWorkload
{
    public string Name { get; } = name;

    public double RateAt(double seconds) => rate;
}
