namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// A day-shaped cycle: a trough of <c>min</c> msg/s at the start of each period rising smoothly (raised cosine) to
/// <c>max</c> at mid-period, with seeded noise of ±<c>noise</c> (fraction) held for a minute at a time.
/// </summary>
public sealed class DailyWorkload : IInflowWorkload
{
    private const double NoiseSlotSeconds = 60;

    private readonly double _min;
    private readonly double _max;
    private readonly double _period;
    private readonly double[] _noise;

    public DailyWorkload(string name, double min, double max, TimeSpan period, double noise, int seed, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        Name = name;
        _min = min;
        _max = max;
        _period = period.TotalSeconds;
        var random = new Random(seed);
        _noise = new double[(int)Math.Ceiling(duration.TotalSeconds / NoiseSlotSeconds) + 1];
        for (var i = 0; i < _noise.Length; i++)
        {
            _noise[i] = 1 + (noise * ((2 * random.NextDouble()) - 1));
        }
    }

    public string Name { get; }

    public double RateAt(double seconds)
    {
        var phase = 2 * Math.PI * seconds / _period;
        var shape = (1 - Math.Cos(phase)) / 2;
        var slot = Math.Clamp((int)(seconds / NoiseSlotSeconds), 0, _noise.Length - 1);
        return Math.Max(0, (_min + ((_max - _min) * shape)) * _noise[slot]);
    }
}
