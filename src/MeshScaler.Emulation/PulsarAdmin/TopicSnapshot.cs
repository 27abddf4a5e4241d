using MeshScaler.Core;

namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>A consistent copy of one emulated topic, taken under the state's lock.</summary>
internal sealed record TopicSnapshot(
    TopicName Name,
    int Partitions,
    double MsgRateIn,
    IReadOnlyList<SubscriptionSnapshot> Subscriptions,
    IReadOnlySet<int> Hidden,
    long? MsgInCounter = null);
