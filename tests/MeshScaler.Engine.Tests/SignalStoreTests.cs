using MeshScaler.Core;

namespace MeshScaler.Engine.Tests;

public sealed class SignalStoreTests
{
    private static readonly TopicName Orders = new("public", "default", "orders");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GetAsync_Cold_FetchesOnceAndServesFromCacheAfterwards()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 12, backlog: 40, rateOut: 10, consumers: 2);
        var target = StoreFixture.Target();

        var first = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        var second = await f.Store.GetAsync(target, default).WaitAsync(Timeout);

        Assert.Equal(40, first.MetricValue);
        Assert.Equal(12, first.InflowRate);
        Assert.Equal(second.MetricValue, first.MetricValue);
        Assert.Equal(1, f.Admin.Calls("stats"));
        Assert.Equal(1, f.Admin.Calls("partitions"));
    }

    [Fact]
    public async Task GetAsync_ManyConcurrentColdCallers_ShareOneFetch()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 1, backlog: 7);
        f.Admin.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var targets = Enumerable.Range(0, 50).Select(i => StoreFixture.Target(extra: ("msgBacklogThreshold", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))));

        var calls = targets.Select(t => f.Store.GetAsync(t, default)).ToList();
        f.Admin.Gate.SetResult();
        var signals = await Task.WhenAll(calls).WaitAsync(Timeout);

        Assert.All(signals, s => Assert.Equal(7, s.Backlog));
        Assert.Equal(1, f.Admin.Calls("stats"));
    }

    [Fact]
    public async Task PollOnceAsync_ThousandTargetsOverHundredTopics_OneFetchPerTopicPerInterval()
    {
        using var f = new StoreFixture();
        for (var t = 0; t < 100; t++)
        {
            f.Admin.Set(new TopicName("public", "default", $"t{t}"), 1, 1);
        }

        for (var i = 0; i < 1000; i++)
        {
            var target = StoreFixture.Target(topic: $"public/default/t{i % 100}", extra: ("activationMsgBacklogThreshold", (i / 100).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        }

        Assert.Equal(100, f.Admin.Calls("stats"));
        await f.PollAsync();
        Assert.Equal(200, f.Admin.Calls("stats"));
        await f.PollAsync();
        Assert.Equal(300, f.Admin.Calls("stats"));
        Assert.Equal(100, f.Admin.Calls("partitions"));
    }

    [Fact]
    public async Task GetAsync_UpstreamFailingWithinMaxStaleness_ServesLastGoodValue()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 25);
        var target = StoreFixture.Target();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);

        f.Admin.Failure = new ScalingException(ScalingErrorKind.Unavailable, "connection refused (pulsar:8080)") { IsTransient = true };
        for (var i = 0; i < 11; i++)
        {
            await f.PollAsync();
        }

        var signal = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        Assert.Equal(25, signal.MetricValue);
        Assert.True(signal.IsActive);
    }

    [Fact]
    public async Task GetAsync_UpstreamFailingBeyondMaxStaleness_IsUnavailableNeverZero()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 25);
        var target = StoreFixture.Target();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);

        f.Admin.Failure = new ScalingException(ScalingErrorKind.Unavailable, "connection refused (pulsar:8080)") { IsTransient = true };
        for (var i = 0; i < 13; i++)
        {
            await f.PollAsync();
        }

        var error = await Assert.ThrowsAsync<ScalingException>(() => f.Store.GetAsync(target, default).WaitAsync(Timeout));
        Assert.Equal(ScalingErrorKind.Unavailable, error.Kind);
        Assert.Equal(
            "cluster 'test': stats of persistent://public/default/orders is 65s old, more than MaxStaleness 60s; last error: connection refused (pulsar:8080)",
            error.Message);
    }

    [Fact]
    public async Task GetAsync_TopicDeletedAndStale_IsNotFound()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 3);
        var target = StoreFixture.Target();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);

        f.Admin.Failure = new ScalingException(ScalingErrorKind.NotFound, "Topic persistent://public/default/orders not found");
        await f.PollAsync(TimeSpan.FromSeconds(61));

        var error = await Assert.ThrowsAsync<ScalingException>(() => f.Store.GetAsync(target, default).WaitAsync(Timeout));
        Assert.Equal(ScalingErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task GetAsync_ColdFetchFails_ReportsTheSourceError()
    {
        using var f = new StoreFixture();
        var target = StoreFixture.Target(topic: "public/default/nope");

        var error = await Assert.ThrowsAsync<ScalingException>(() => f.Store.GetAsync(target, default).WaitAsync(Timeout));

        Assert.Equal(ScalingErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task GetAsync_CallerGivesUp_FetchStillServesOthers()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 9);
        f.Admin.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var target = StoreFixture.Target();
        using var impatient = new CancellationTokenSource();

        var cancelled = f.Store.GetAsync(target, impatient.Token);
        var patient = f.Store.GetAsync(target, default);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Timeout));
        f.Admin.Gate.SetResult();

        Assert.Equal(9, (await patient.WaitAsync(Timeout)).Backlog);
        Assert.Equal(1, f.Admin.Calls("stats"));
    }

    [Fact]
    public async Task GetAsync_MissingSubscription_IsZeroBacklogActiveOnInflowAndTracked()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 4, backlog: null);
        var target = StoreFixture.Target();

        var signal = await f.Store.GetAsync(target, default).WaitAsync(Timeout);

        Assert.Equal(0, signal.MetricValue);
        Assert.True(signal.IsActive);
        Assert.Contains(f.Store.MissingSubscriptions, m => m.Topic == Orders && m.Subscription == "sub");

        f.Admin.Set(Orders, rateIn: 4, backlog: 0);
        await f.PollAsync();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        Assert.Empty(f.Store.MissingSubscriptions);
    }

    [Fact]
    public async Task PollOnceAsync_SubjectNotAskedForIdleEviction_StopsBeingPolled()
    {
        using var f = new StoreFixture(new SignalStoreOptions { IdleEviction = TimeSpan.FromSeconds(30) });
        f.Admin.Set(Orders, rateIn: 0, backlog: 1);
        await f.Store.GetAsync(StoreFixture.Target(), default).WaitAsync(Timeout);

        for (var i = 0; i < 10; i++)
        {
            await f.PollAsync();
        }

        Assert.Equal(0, f.Store.TopicSubjectCount);
        Assert.Equal(0, f.Store.TargetCount);
        var calls = f.Admin.Calls("stats");
        await f.PollAsync();
        Assert.Equal(calls, f.Admin.Calls("stats"));
        Assert.InRange(calls, 6, 7);
    }

    [Fact]
    public async Task PartitionHint_IsCheckedPerTarget_AndNeverChangesWhatOthersRead()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 7);
        var wrongHint = StoreFixture.Target(extra: ("isPartitionedTopic", "true"));
        var noHint = StoreFixture.Target();

        var error = await Assert.ThrowsAsync<ScalingException>(() => f.Store.GetAsync(wrongHint, default).WaitAsync(Timeout));
        var other = await f.Store.GetAsync(noHint, default).WaitAsync(Timeout);

        Assert.Equal(ScalingErrorKind.NotFound, error.Kind);
        Assert.Equal("cluster 'test': isPartitionedTopic is true but persistent://public/default/orders is not a partitioned topic", error.Message);
        Assert.Equal(7, other.Backlog);
        Assert.Equal(1, f.Admin.Calls("stats"));
    }

    [Fact]
    public async Task PartitionHintFalse_OnPartitionedTopic_StillReadsEveryPartition()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 8102, partitions: 2);

        var signal = await f.Store.GetAsync(StoreFixture.Target(extra: ("isPartitionedTopic", "false")), default).WaitAsync(Timeout);

        Assert.Equal(8102, signal.Backlog);
        Assert.Equal(1, f.Admin.Calls("stats:orders:2"));
    }

    [Fact]
    public async Task GetAsync_TopicNotFound_AsksUpstreamOncePerIntervalNotPerCall()
    {
        using var f = new StoreFixture();
        var target = StoreFixture.Target(topic: "public/default/nope");

        for (var i = 0; i < 20; i++)
        {
            var error = await Assert.ThrowsAsync<ScalingException>(() => f.Store.GetAsync(target, default).WaitAsync(Timeout));
            Assert.Equal(ScalingErrorKind.NotFound, error.Kind);
        }

        Assert.Equal(1, f.Admin.Calls("stats"));
        await f.PollAsync();
        await Assert.ThrowsAsync<ScalingException>(() => f.Store.GetAsync(target, default).WaitAsync(Timeout));
        Assert.Equal(2, f.Admin.Calls("stats"));
    }

    [Fact]
    public async Task MissingSubscription_IsForgottenWhenItsSubjectIsEvicted()
    {
        using var f = new StoreFixture(new SignalStoreOptions { IdleEviction = TimeSpan.FromSeconds(20) });
        f.Admin.Set(Orders, rateIn: 1, backlog: null);
        await f.Store.GetAsync(StoreFixture.Target(), default).WaitAsync(Timeout);
        Assert.NotEmpty(f.Store.MissingSubscriptions);

        for (var i = 0; i < 6; i++)
        {
            await f.PollAsync();
        }

        Assert.Empty(f.Store.MissingSubscriptions);
    }

    [Fact]
    public async Task GetAsync_PartitionedTopic_AsksPartitionedStatsWithTheDetectedCount()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 5, backlog: 8102, partitions: 2);

        var signal = await f.Store.GetAsync(StoreFixture.Target(), default).WaitAsync(Timeout);

        Assert.Equal(8102, signal.Backlog);
        Assert.Equal(1, f.Admin.Calls("stats:orders:2"));
    }

    [Fact]
    public async Task GetAsync_TopicsList_SumsOverEveryTopic()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 5, backlog: 100);
        f.Admin.Set(new TopicName("public", "default", "refunds"), rateIn: 2, backlog: 23, partitions: 3);

        var signal = await f.Store.GetAsync(StoreFixture.Target("topics", "public/default/orders,persistent://public/default/refunds"), default).WaitAsync(Timeout);

        Assert.Equal(123, signal.Backlog);
        Assert.Equal(7, signal.InflowRate);
    }

    [Fact]
    public async Task GetAsync_TopicPattern_SumsMatchesAndPicksUpNewTopicsAfterRefresh()
    {
        using var f = new StoreFixture();
        var eu = new TopicName("public", "default", "orders-eu");
        var us = new TopicName("public", "default", "orders-us");
        f.Admin.Set(eu, rateIn: 1, backlog: 10, partitions: 2);
        f.Admin.Set(us, rateIn: 1, backlog: 5);
        f.Admin.Set(new TopicName("public", "default", "audit"), rateIn: 1, backlog: 1000);
        f.Admin.Namespaces[("public", "default")] = new() { [eu] = 2, [us] = 0, [new TopicName("public", "default", "audit")] = 0 };
        var target = StoreFixture.Target("topicPattern", "public/default/orders-.*");

        Assert.Equal(15, (await f.Store.GetAsync(target, default).WaitAsync(Timeout)).Backlog);
        Assert.Equal(0, f.Admin.Calls("partitions"));

        var asia = new TopicName("public", "default", "orders-asia");
        f.Admin.Set(asia, rateIn: 1, backlog: 100);
        f.Admin.Namespaces[("public", "default")][asia] = 0;
        await f.PollAsync();
        Assert.Equal(15, (await f.Store.GetAsync(target, default).WaitAsync(Timeout)).Backlog);

        await f.PollAsync(TimeSpan.FromMinutes(1));
        await f.PollAsync();
        Assert.Equal(115, (await f.Store.GetAsync(target, default).WaitAsync(Timeout)).Backlog);
        Assert.Equal(2, f.Admin.Calls("topics"));
    }

    [Fact]
    public async Task GetAsync_PatternMatchingNothing_IsNotFound()
    {
        using var f = new StoreFixture();
        f.Admin.Namespaces[("public", "default")] = new() { [Orders] = 0 };

        var error = await Assert.ThrowsAsync<ScalingException>(() => f.Store.GetAsync(StoreFixture.Target("topicPattern", "public/default/nothing-.*"), default).WaitAsync(Timeout));

        Assert.Equal(ScalingErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task GetAsync_DisallowedCluster_IsInvalidArgumentWithoutFetching()
    {
        using var f = new StoreFixture();
        var target = StoreFixture.Target(extra: ("adminURL", "http://forbidden:8080"));

        var error = await Assert.ThrowsAsync<ScalingException>(() => f.Store.GetAsync(target, default));

        Assert.Equal(ScalingErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(0, f.Admin.Calls("stats"));
    }

    [Fact]
    public async Task CapacityMode_LearnsPerReplicaRateWhileBacklogExists()
    {
        using var f = new StoreFixture();
        var target = StoreFixture.Target(extra: ("scalingMode", "capacity"));
        f.Admin.Set(Orders, rateIn: 400, backlog: 0, rateOut: 400, consumers: 4);

        var idle = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        Assert.Null(idle.PerReplicaRate);

        f.Admin.Set(Orders, rateIn: 400, backlog: 6000, rateOut: 300, consumers: 3);
        await f.PollAsync();
        var learned = await f.Store.GetAsync(target, default).WaitAsync(Timeout);

        Assert.Equal(100, learned.PerReplicaRate);
        Assert.Equal(Math.Ceiling((400 + (6000 / 60.0)) / 100), learned.MetricValue);

        f.Admin.Set(Orders, rateIn: 400, backlog: 6000, rateOut: 600, consumers: 3);
        await f.PollAsync();
        var smoothed = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        Assert.Equal(100 + (0.3 * 100), smoothed.PerReplicaRate!.Value, 9);
    }
}
