namespace MeshScaler.Emulation.Simulation;

/// <summary>The named workloads shipped with the what-if report. Each is a pure function of (seed, duration).</summary>
public static class WorkloadPresets
{
    public const string Constant = "constant";
    public const string Step = "step";
    public const string Daily = "daily";
    public const string Spiky = "spiky";
    public const string IdleBurst = "idle-burst";

    /// <summary>
    /// The idle part of <see cref="IdleBurst"/>: deliberately not a multiple of KEDA's 30 s polling or the HPA's 15 s
    /// sync, so bursts start at every offset from the controllers' instants.
    /// </summary>
    public static readonly TimeSpan IdleBurstIdle = new(0, 20, 17);

    /// <summary>Preset names with a one-line description each, in display order.</summary>
    public static IReadOnlyList<(string Name, string Description)> All { get; } =
    [
        (Constant, "300 msg/s all the time"),
        (Step, "100 msg/s, 600 msg/s from 1/3 of the run, 100 msg/s from 2/3"),
        (Daily, "a day compressed into 6 h: 50 msg/s at night to 600 msg/s at noon, ±10 % noise per minute"),
        (Spiky, "80 msg/s with random bursts (+300..1500 msg/s for 30..180 s, one every 15 min on average)"),
        (IdleBurst, "idle for 20 min 17 s, then 500 msg/s for 3 min, repeated: every burst is a scale from zero"),
    ];

    /// <summary>Creates a preset; throws <see cref="ArgumentException"/> naming the known presets for an unknown name.</summary>
    public static IInflowWorkload Create(string name, int seed, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            Constant => new ConstantWorkload(Constant, 300),
            Step => new StepWorkload(Step, [(0, 100), (duration.TotalSeconds / 3, 600), (2 * duration.TotalSeconds / 3, 100)]),
            Daily => new DailyWorkload(Daily, 50, 600, TimeSpan.FromHours(6), 0.1, seed, duration),
            Spiky => new SpikyWorkload(Spiky, 80, TimeSpan.FromMinutes(15), 300, 1500, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(180), seed, duration),
            IdleBurst => new IdleBurstWorkload(IdleBurst, IdleBurstIdle, TimeSpan.FromMinutes(3), 500),
            _ => throw new ArgumentException(
                $"unknown workload \"{name}\"; known presets: {string.Join(", ", All.Select(p => p.Name))}", nameof(name)),
        };
    }
}
