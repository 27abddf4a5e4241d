namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>A copy of one emulated subscription; <see cref="Backlog"/> has one entry per partition (one when not partitioned).</summary>
internal sealed record SubscriptionSnapshot(
    string Name,
    string? Type,
    IReadOnlyList<long> Backlog,
    double MsgRateOut,
    int Consumers,
    int AvgMessagesPerEntry,
    long? MsgOutCounter = null,
    long UnackedMessages = 0,
    DateTimeOffset? EarliestPublish = null);
