using MeshScaler.Core;

namespace MeshScaler.Engine.Tests;

public sealed class TargetStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TopicName Orders = new("public", "default", "orders");

    private static Evaluation Read(DateTimeOffset fetchedAt, double backlog) => new(
        [new TopicObservation(Orders, new TopicStats(0, 0, new Dictionary<string, SubscriptionStats>()), fetchedAt)],
        null,
        new ScalingSignal(backlog, 0, 0, 0, backlog, backlog > 0, 0, null, [], fetchedAt));

    [Fact]
    public void Offer_OlderAfterNewer_KeepsTheNewer()
    {
        var state = new TargetState(StoreFixture.Target(), new PulsarClusterRef("c", new Uri("http://pulsar:8080")), T0);
        var newer = Read(T0.AddSeconds(10), 7);

        state.Offer(newer);
        state.Offer(Read(T0, 42));

        Assert.Same(newer, state.LastEvaluation);
    }

    [Fact]
    public void Offer_SameDataAgain_ReplacesIt()
    {
        var state = new TargetState(StoreFixture.Target(), new PulsarClusterRef("c", new Uri("http://pulsar:8080")), T0);
        var relearned = Read(T0, 8);

        state.Offer(Read(T0, 7));
        state.Offer(relearned);

        Assert.Same(relearned, state.LastEvaluation);
    }
}
