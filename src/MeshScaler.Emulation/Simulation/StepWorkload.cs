namespace MeshScaler.Emulation.Simulation;

/// <summary>Piecewise-constant rate: each step holds from its start second until the next step starts.</summary>
/// <remarks>Before the first step the rate is 0. Steps must be ordered by strictly increasing start.</remarks>
public sealed class StepWorkload : IInflowWorkload
{
    private readonly double[] _starts;
    private readonly double[] _rates;

    public StepWorkload(string name, IReadOnlyList<(double StartSeconds, double Rate)> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        Name = name;
        _starts = [.. steps.Select(s => s.StartSeconds)];
        _rates = [.. steps.Select(s => s.Rate)];
        for (var i = 1; i < _starts.Length; i++)
        {
            if (_starts[i] <= _starts[i - 1])
            {
                throw new ArgumentException($"step {i} starts at {_starts[i]} s, not after step {i - 1} ({_starts[i - 1]} s)", nameof(steps));
            }
        }
    }

    public string Name { get; }

    /// <summary>The steps, for reports and tests.</summary>
    public IReadOnlyList<(double StartSeconds, double Rate)> Steps => [.. _starts.Zip(_rates)];

    public double RateAt(double seconds)
    {
        var index = Array.BinarySearch(_starts, seconds);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return index < 0 ? 0 : _rates[index];
    }
}
