namespace MeshScaler.Emulation.Simulation;

/// <summary>How the simulated Function Mesh Function and its broker behave.</summary>
public sealed class FunctionModelOptions
{
    /// <summary>Time from requesting a replica to it processing. Default 20 s.</summary>
    public TimeSpan StartupDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Messages per second one ready replica processes at most. Default 100.</summary>
    public double PerReplicaRate { get; set; } = 100;

    /// <summary>
    /// Relative jitter of the processing rate, drawn per step from the seeded random: capacity is multiplied by a
    /// uniform factor in [1 − jitter, 1 + jitter]. Default 0.05; 0 disables it.
    /// </summary>
    public double Jitter { get; set; } = 0.05;

    /// <summary>
    /// How long a consumer holds a processed message before its acknowledgement reaches the broker (the client's ack
    /// grouping, 100 ms by default in Pulsar's Java client). Until then the broker still counts the message in
    /// <c>msgBacklog</c> (and in <c>unackedMessages</c>). Default 100 ms; zero allowed.
    /// </summary>
    public TimeSpan AckDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Messages per entry (producer batching); the broker reports backlog in entries. Default 1.</summary>
    public int MessagesPerEntry { get; set; } = 1;

    /// <summary>
    /// How often the broker recomputes its windowed rates (<c>statsUpdateFrequencyInSecs</c>); the reported
    /// msgRateIn/msgRateOut are the averages over the last completed window. Default 60 s.
    /// </summary>
    public TimeSpan StatsUpdateFrequency { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Returns every invalid setting, each naming it; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (StartupDelay < TimeSpan.Zero)
        {
            errors.Add($"{nameof(StartupDelay)} must not be negative (was {StartupDelay})");
        }

        if (!(PerReplicaRate > 0) || !double.IsFinite(PerReplicaRate))
        {
            errors.Add($"{nameof(PerReplicaRate)} must be a positive number (was {PerReplicaRate})");
        }

        if (!(Jitter >= 0 && Jitter < 1))
        {
            errors.Add($"{nameof(Jitter)} must be in [0, 1) (was {Jitter})");
        }

        if (AckDelay < TimeSpan.Zero)
        {
            errors.Add($"{nameof(AckDelay)} must not be negative (was {AckDelay})");
        }

        if (MessagesPerEntry < 1)
        {
            errors.Add($"{nameof(MessagesPerEntry)} must be at least 1 (was {MessagesPerEntry})");
        }

        if (StatsUpdateFrequency <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(StatsUpdateFrequency)} must be positive (was {StatsUpdateFrequency})");
        }

        return errors;
    }
}
