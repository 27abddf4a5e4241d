using MeshScaler.Core;
using MeshScaler.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshScaler.Engine.Tests;

/// <summary>Subjects of every kind are created by the targets that need them and evicted alike.</summary>
public sealed class SubjectRegistryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TopicName Orders = new("public", "default", "orders");
    private static readonly TopicName OrdersEu = new("public", "default", "orders-eu");

    private static ScaleTarget FunctionTarget()
    {
        var trigger = TriggerMetadata.Parse(new Dictionary<string, string>
        {
            ["function"] = "f",
            ["topic"] = Orders.FullName,
            ["scalingMode"] = "capacity",
        }).Function!;
        return trigger.Resolve(new FunctionFacts(trigger.In("fm"), "public/default/f", null, "sub", new Uri("http://pulsar:8080")));
    }

    private static StoreFixture ThreeKinds()
    {
        var f = new StoreFixture(new SignalStoreOptions { IdleEviction = TimeSpan.FromSeconds(30) });
        f.Admin.Set(Orders, rateIn: 10, backlog: 100, rateOut: 10);
        f.Admin.Set(OrdersEu, rateIn: 1, backlog: 5);
        f.Admin.Namespaces[("public", "default")] = new() { [OrdersEu] = 0 };
        f.Runners.SetPods(2);
        return f;
    }

    [Fact]
    public async Task EveryKind_IsCreatedByItsTarget_AndEvictedWhenIdle()
    {
        using var f = ThreeKinds();
        await f.Store.GetAsync(FunctionTarget(), default).WaitAsync(Timeout);
        await f.Store.GetAsync(StoreFixture.Target("topicPattern", "public/default/orders-.*"), default).WaitAsync(Timeout);
        Assert.Equal((2, 1, 1), (f.Store.TopicSubjectCount, f.Store.NamespaceSubjectCount, f.Store.RunnerSubjectCount));

        await f.PollAsync(TimeSpan.FromSeconds(31));

        Assert.Equal((0, 0, 0), (f.Store.TopicSubjectCount, f.Store.NamespaceSubjectCount, f.Store.RunnerSubjectCount));
        Assert.Equal(0, f.Store.TargetCount);
    }

    [Fact]
    public async Task WatchedTargets_KeepEveryKindTheyRead()
    {
        using var f = ThreeKinds();
        using var function = f.Store.Watch(FunctionTarget());
        using var pattern = f.Store.Watch(StoreFixture.Target("topicPattern", "public/default/orders-.*"));
        await f.Store.GetAsync(FunctionTarget(), default).WaitAsync(Timeout);
        await f.Store.GetAsync(StoreFixture.Target("topicPattern", "public/default/orders-.*"), default).WaitAsync(Timeout);

        for (var i = 0; i < 10; i++)
        {
            await f.PollAsync();
        }

        Assert.Equal((2, 1, 1), (f.Store.TopicSubjectCount, f.Store.NamespaceSubjectCount, f.Store.RunnerSubjectCount));
        Assert.Equal(2, f.Store.TargetCount);
    }

    [Fact]
    public void KnownTopicsOf_ATopicList_IsRememberedUntilASubjectIsEvicted_ThenFoundAgain()
    {
        var time = new ManualTimeProvider();
        var options = new SignalStoreOptions { IdleEviction = TimeSpan.FromSeconds(30) };
        var telemetry = new UpstreamTelemetry(new EngineMetrics(Prometheus.Metrics.NewCustomRegistry(), new TestLogger<EngineMetrics>(), EngineMetrics.DefaultMaxTargetSeries), NullLogger.Instance);
        var registry = new SubjectRegistry(new FakePulsarAdmin(), null, null, time, telemetry, options, NullLogger.Instance);
        var state = new TargetState(StoreFixture.Target(), new PulsarClusterRef("c", new Uri("http://pulsar:8080")), time.GetUtcNow());

        var first = registry.KnownTopicsOf(state)!;
        var again = registry.KnownTopicsOf(state)!;
        registry.Evict(time.GetUtcNow() + TimeSpan.FromMinutes(1), []);
        var afterEviction = registry.KnownTopicsOf(state)!;

        Assert.Same(first, again);
        Assert.NotSame(first[0], afterEviction[0]);
        Assert.Equal(Orders, afterEviction[0].Topic);
        Assert.True(registry.IsPolled("c", Orders));
    }

    [Fact]
    public void RunnerOf_IsRememberedOnTheTargetUntilASubjectIsEvicted_ThenFoundAgain()
    {
        var time = new ManualTimeProvider();
        var options = new SignalStoreOptions { IdleEviction = TimeSpan.FromSeconds(30) };
        var telemetry = new UpstreamTelemetry(new EngineMetrics(Prometheus.Metrics.NewCustomRegistry(), new TestLogger<EngineMetrics>(), EngineMetrics.DefaultMaxTargetSeries), NullLogger.Instance);
        var runners = new FakeRunners(time);
        var registry = new SubjectRegistry(new FakePulsarAdmin(), runners, runners, time, telemetry, options, NullLogger.Instance);
        var state = new TargetState(FunctionTarget(), new PulsarClusterRef("c", new Uri("http://pulsar:8080")), time.GetUtcNow());
        var topicTarget = new TargetState(StoreFixture.Target(), new PulsarClusterRef("c", new Uri("http://pulsar:8080")), time.GetUtcNow());

        var first = registry.RunnerOf(state);
        var again = registry.RunnerOf(state);
        registry.Evict(time.GetUtcNow() + TimeSpan.FromMinutes(1), []);
        var afterEviction = registry.RunnerOf(state);

        Assert.NotNull(first);
        Assert.Same(first, again);
        Assert.NotSame(first, afterEviction);
        Assert.Equal(1, registry.RunnerCount);
        Assert.Null(registry.RunnerOf(topicTarget));
    }
}
