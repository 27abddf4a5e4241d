namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// A base rate with random bursts drawn up front from a seed: gaps between bursts are exponential with mean
/// <c>meanGap</c>, each burst adds a uniform height in [<c>minHeight</c>, <c>maxHeight</c>] msg/s for a uniform
/// length in [<c>minLength</c>, <c>maxLength</c>].
/// </summary>
public sealed class SpikyWorkload : IInflowWorkload
{
    private readonly double _baseRate;
    private readonly List<(double Start, double End, double Height)> _bursts = [];

    public SpikyWorkload(
        string name, double baseRate, TimeSpan meanGap, double minHeight, double maxHeight, TimeSpan minLength, TimeSpan maxLength, int seed, TimeSpan duration)
    {
        Name = name;
        _baseRate = baseRate;
        var random = new Random(seed);
        var t = 0.0;
        while (true)
        {
            t += -meanGap.TotalSeconds * Math.Log(1 - random.NextDouble());
            if (t >= duration.TotalSeconds)
            {
                break;
            }

            var length = minLength.TotalSeconds + ((maxLength - minLength).TotalSeconds * random.NextDouble());
            var height = minHeight + ((maxHeight - minHeight) * random.NextDouble());
            _bursts.Add((t, t + length, height));
            t += length;
        }
    }

    public string Name { get; }

    /// <summary>The bursts (start and end in seconds, added rate), for reports and tests.</summary>
    public IReadOnlyList<(double Start, double End, double Height)> Bursts => _bursts;

    public double RateAt(double seconds)
    {
        var rate = _baseRate;
        foreach (var (start, end, height) in _bursts)
        {
            if (seconds >= start && seconds < end)
            {
                rate += height;
            }
        }

        return rate;
    }
}
