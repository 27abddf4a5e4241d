using MeshScaler.Core;

namespace MeshScaler.Engine.Tests;

/// <summary>A metric read of a topic read by one trigger alone fetches stale data first, at most once per poll interval.</summary>
public sealed class ReadRefreshTests
{
    private static readonly TopicName Orders = new("public", "default", "orders");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>One periodic reader of a trigger's metric: every <c>Period</c> seconds at <c>Phase</c> seconds into the run.</summary>
    private sealed record Reader(ScaleTarget Target, int Period, int Phase)
    {
        public List<double> Ages { get; } = [];
    }

    /// <summary>
    /// Runs the poll loop every second for <paramref name="seconds"/> with the given readers (the store's own grid starts
    /// at 0 s); returns the stats fetches made. Each reader records the age of the data it read.
    /// </summary>
    private static async Task<int> RunAsync(bool forMetric, int seconds, params Reader[] readers)
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 10, backlog: 5);
        await f.Store.GetAsync(readers[0].Target, default).WaitAsync(Timeout);
        for (var second = 1; second <= seconds; second++)
        {
            await f.PollAsync(Tick);
            foreach (var reader in readers.Where(r => second % r.Period == r.Phase))
            {
                var signal = forMetric
                    ? await f.Store.GetMetricAsync(reader.Target, default).WaitAsync(Timeout)
                    : await f.Store.GetAsync(reader.Target, default).WaitAsync(Timeout);
                reader.Ages.Add((f.Time.GetUtcNow() - signal.OldestFetch).TotalSeconds);
            }
        }

        return f.Admin.Calls("stats");
    }

    [Fact]
    public async Task GetMetricAsync_HpaReadingEvery15s_ReadsFreshData_WithNoMoreFetches()
    {
        var target = StoreFixture.Target();
        var plain = new Reader(target, 15, 2);
        var metric = new Reader(target, 15, 2);

        var plainFetches = await RunAsync(forMetric: false, 60, plain);
        var metricFetches = await RunAsync(forMetric: true, 60, metric);

        Assert.Equal([2, 2, 2, 2], plain.Ages);

        // The first read fetches; that moves the 5 s grid onto the reads' phase, so the later ones find a poll just made.
        Assert.Equal([0, 0, 0, 0], metric.Ages);
        Assert.Equal(13, plainFetches);
        Assert.Equal(plainFetches, metricFetches);
    }

    [Fact]
    public async Task GetMetricAsync_KedaPollAndHpaOfOneTrigger_EveryReadFresh_AtMostTwoFetchesPerInterval()
    {
        // KEDA reads the same trigger's metric from its own poll (every pollingInterval) and for the HPA (every 15 s).
        var target = StoreFixture.Target();
        var hpa = new Reader(target, 15, 2);
        var kedaPoll = new Reader(target, 30, 9);

        var fetches = await RunAsync(forMetric: true, 120, hpa, kedaPoll);

        Assert.All(hpa.Ages, age => Assert.Equal(0, age));
        Assert.All(kedaPoll.Ages, age => Assert.Equal(0, age));

        // The grid's 24 polls and the cold fetch, plus about one per KEDA poll (4): its off-phase read moves the grid.
        Assert.InRange(fetches, 1 + (120 / 5), 1 + (120 / 5) + 4 + 1);
    }

    [Fact]
    public async Task GetMetricAsync_ReadsOffTheLoopsTicks_OnlyTheFirstReadFetches()
    {
        // The HPA's phase is its own: here 0.7 s after the poll loop's ticks. The read fetch anchors the poll schedule to
        // the tick before it, so the polls land just before the later reads instead of a tick after them.
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 10, backlog: 5);
        var target = StoreFixture.Target();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        var ages = new List<double>();
        var readFetches = 0;
        var offTick = TimeSpan.FromMilliseconds(700);
        var sinceTick = TimeSpan.Zero;
        for (var second = 1; second <= 75; second++)
        {
            // The loop still ticks on whole seconds.
            await f.PollAsync(Tick - sinceTick);
            sinceTick = TimeSpan.Zero;
            if (second % 15 == 2)
            {
                f.Time.Advance(offTick);
                sinceTick = offTick;
                var before = f.Admin.Calls("stats");
                var signal = await f.Store.GetMetricAsync(target, default).WaitAsync(Timeout);
                readFetches += f.Admin.Calls("stats") - before;
                ages.Add((f.Time.GetUtcNow() - signal.OldestFetch).TotalSeconds);
            }
        }

        Assert.Equal(1, readFetches);
        Assert.All(ages, age => Assert.True(age < 1, $"a read found data {age} s old"));
    }

    [Fact]
    public async Task GetMetricAsync_ThousandTriggersOverHundredTopics_OneFetchPerTopicPerInterval()
    {
        using var f = new StoreFixture();
        var targets = f.ThousandTargetsOverHundredTopics();
        foreach (var target in targets)
        {
            await f.Store.GetMetricAsync(target, default).WaitAsync(Timeout);
        }

        for (var i = 0; i < 10; i++)
        {
            await f.PollAsync(Tick);
            foreach (var target in targets.Where((_, index) => index % 10 == i))
            {
                await f.Store.GetMetricAsync(target, default).WaitAsync(Timeout);
            }
        }

        // Ten triggers per topic: no read fetches at all, the cold fetch and the grid's two rounds in 10 s.
        Assert.Equal(100 * 3, f.Admin.Calls("stats"));
    }

    [Fact]
    public async Task GetMetricAsync_CallerGivesUpDuringReadFetch_FetchCompletesForTheNextRead()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 10, backlog: 5);
        var target = StoreFixture.Target();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        f.Time.Advance(TimeSpan.FromSeconds(3));
        f.Admin.Set(Orders, rateIn: 10, backlog: 700);
        f.Admin.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var caller = new CancellationTokenSource();

        var read = f.Store.GetMetricAsync(target, caller.Token);
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read).WaitAsync(Timeout);
        f.Admin.Gate.SetResult();
        await WaitUntilAsync(() => f.Store.GetAsync(target, default), s => s.Backlog == 700);
    }

    [Fact]
    public async Task GetMetricAsync_TwoTriggersOnOneTopic_KeepOneFetchPerInterval()
    {
        var first = StoreFixture.Target();
        var second = StoreFixture.Target(extra: ("msgBacklogThreshold", "20"));
        var plain = new[] { new Reader(first, 15, 2), new Reader(second, 15, 9) };
        var metric = new[] { new Reader(first, 15, 2), new Reader(second, 15, 9) };

        var plainFetches = await RunAsync(forMetric: false, 60, plain);
        var metricFetches = await RunAsync(forMetric: true, 60, metric);

        // The first reader's first read refreshes once (a lone reader so far, and it stands in for the next grid poll);
        // from the second reader on none does: its reads keep finding data more than a tick old.
        Assert.InRange(metricFetches, plainFetches, plainFetches + 1);
        Assert.All(metric[1].Ages, age => Assert.True(age > 1, $"a read refresh served the second reader ({age} s old)"));
        Assert.All(plain[1].Ages, age => Assert.True(age > 1));
    }

    [Fact]
    public async Task GetMetricAsync_ReadingContinuously_AtMostOneReadFetchPerIntervalOverTime()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 10, backlog: 5);
        var target = StoreFixture.Target();
        var start = f.Time.GetUtcNow();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        for (var i = 0; i < 60; i++)
        {
            await f.PollAsync(Tick);
            for (var read = 0; read < 4; read++)
            {
                f.Time.Advance(TimeSpan.FromMilliseconds(200));
                await f.Store.GetMetricAsync(target, default).WaitAsync(Timeout);
            }
        }

        // The poll grid's fetches plus at most one read refresh per poll interval (and the bucket's two at the start).
        var intervals = (f.Time.GetUtcNow() - start) / f.Options.PollInterval;
        Assert.InRange(f.Admin.Calls("stats"), intervals - 1, 3 + (2 * intervals));
    }

    [Fact]
    public async Task GetMetricAsync_FailingTopic_ReadsDoNotFetch()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 10, backlog: 5);
        var target = StoreFixture.Target();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        await f.PollAsync();
        f.Admin.Failure = new ScalingException(ScalingErrorKind.Unavailable, "connection refused (pulsar:8080)") { IsTransient = true };
        await f.PollAsync();
        var before = f.Admin.Calls("stats");

        f.Time.Advance(TimeSpan.FromSeconds(3));
        var signal = await f.Store.GetMetricAsync(target, default).WaitAsync(Timeout);

        Assert.Equal(before, f.Admin.Calls("stats"));
        Assert.Equal(5, signal.Backlog);
    }

    [Fact]
    public async Task GetMetricAsync_SlowFetch_WaitsOneTickThenAnswersWhatIsHeld()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 10, backlog: 5);
        var target = StoreFixture.Target();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        f.Time.Advance(TimeSpan.FromSeconds(3));
        f.Admin.Set(Orders, rateIn: 10, backlog: 900);
        f.Admin.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var read = f.Store.GetMetricAsync(target, default);
        Assert.False(read.IsCompleted);
        var deadline = DateTime.UtcNow + Timeout;
        while (!read.IsCompleted && DateTime.UtcNow < deadline)
        {
            f.Time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(10);
        }

        var signal = await read.WaitAsync(Timeout);
        Assert.Equal(5, signal.Backlog);

        // The fetch goes on and serves the next read.
        f.Admin.Gate.SetResult();
        await WaitUntilAsync(() => f.Store.GetAsync(target, default), s => s.Backlog == 900);
    }

    private static async Task WaitUntilAsync(Func<Task<ScalingSignal>> read, Func<ScalingSignal, bool> done)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!done(await read().WaitAsync(Timeout)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the background fetch never landed");
            await Task.Delay(10);
        }
    }

    public static TheoryData<string, double?, bool, bool> FetchCases => new()
    {
        // name, data age at the read (s; null = no data yet), failing, expected
        { "data two ticks old: fetch", 2, false, true },
        { "data one tick old: fetch", 1, false, true },
        { "data under a tick old: fresh enough", 0.9, false, false },
        { "no data yet: the cold path fetches, not this", null, false, false },
        { "failing topic: retried on its interval, not per read", 2, true, false },
    };

    [Theory]
    [MemberData(nameof(FetchCases))]
    public void ShouldFetch_FollowsTheRules(string name, double? age, bool failing, bool expected)
    {
        var refresh = new ReadRefresh();

        Assert.True(expected == refresh.ShouldFetch("target", T0, age is { } a ? T0.AddSeconds(-a) : null, failing, new SignalStoreOptions()), name);
    }

    [Fact]
    public void ShouldFetch_BucketOfTwo_RefillsOnePerPollInterval()
    {
        var options = new SignalStoreOptions();
        var refresh = new ReadRefresh();
        bool At(double seconds) => refresh.ShouldFetch("target", T0.AddSeconds(seconds), T0.AddSeconds(seconds - 3), failing: false, options);

        // KEDA's two readers a second apart are both served; a third read in the same interval is not.
        Assert.True(At(0));
        Assert.True(At(1));
        Assert.False(At(2));

        // Refreshes come back at one per poll interval (5 s): 0.4 left at 2 s, a whole one again just after 5 s.
        Assert.False(At(4.9));
        Assert.True(At(5.1));
        Assert.False(At(6));
    }

    [Fact]
    public void ShouldFetch_FreshReadsInBetween_RefillTheBucketOverTheWholeElapsedTime()
    {
        var options = new SignalStoreOptions();
        var refresh = new ReadRefresh();
        bool Stale(double seconds) => refresh.ShouldFetch("target", T0.AddSeconds(seconds), T0.AddSeconds(seconds - 3), failing: false, options);
        bool Fresh(double seconds) => refresh.ShouldFetch("target", T0.AddSeconds(seconds), T0.AddSeconds(seconds - 0.5), failing: false, options);

        // The bucket emptied, then fresh reads (answered without touching the bucket) for more than an interval.
        Assert.True(Stale(0));
        Assert.True(Stale(1));
        for (var at = 1.5; at < 6; at += 0.5)
        {
            Assert.False(Fresh(at));
        }

        // 5.1 s after the bucket emptied one whole refresh is back, as with no reads in between; a second is not.
        Assert.True(Stale(6.1));
        Assert.False(Stale(6.2));
    }

    [Fact]
    public void ShouldFetch_SecondReaderWithFreshData_StillSwitchesReadRefreshesOff()
    {
        var options = new SignalStoreOptions();
        var refresh = new ReadRefresh();
        Assert.True(refresh.ShouldFetch("a", T0, T0.AddSeconds(-2), failing: false, options));

        // Another trigger's read of fresh data is a no either way, but it must still count as a second reader.
        Assert.False(refresh.ShouldFetch("b", T0.AddSeconds(1), T0.AddSeconds(0.5), failing: false, options));
        Assert.False(refresh.ShouldFetch("b", T0.AddSeconds(20), T0.AddSeconds(17), failing: false, options));
    }

    [Fact]
    public void ShouldFetch_SecondReader_SwitchesReadRefreshesOffForIdleEviction()
    {
        var options = new SignalStoreOptions();
        var refresh = new ReadRefresh();
        Assert.True(refresh.ShouldFetch("a", T0, T0.AddSeconds(-2), failing: false, options));

        Assert.False(refresh.ShouldFetch("b", T0.AddSeconds(10), T0.AddSeconds(8), failing: false, options));
        Assert.False(refresh.ShouldFetch("b", T0.AddSeconds(10) + options.IdleEviction - Tick, T0.AddSeconds(8) + options.IdleEviction - Tick, failing: false, options));
        Assert.True(refresh.ShouldFetch("b", T0.AddSeconds(10) + options.IdleEviction, T0.AddSeconds(8) + options.IdleEviction, failing: false, options));
    }

    [Fact]
    public void ShouldFetch_HugeIdleEviction_DoesNotOverflow()
    {
        var options = new SignalStoreOptions { IdleEviction = TimeSpan.MaxValue };
        var refresh = new ReadRefresh();

        Assert.True(refresh.ShouldFetch("a", T0, T0.AddSeconds(-2), failing: false, options));
        Assert.False(refresh.ShouldFetch("b", T0.AddSeconds(10), T0.AddSeconds(8), failing: false, options));
    }
}
