using MeshScaler.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshScaler.Engine.Tests;

/// <summary>Inactive pushed targets are polled every WakePollInterval; everything else once per PollInterval.</summary>
public sealed class WakePollTests
{
    private static readonly TopicName Orders = new("public", "default", "orders");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task PollOnceAsync_WatchedInactiveTarget_PolledEveryWakeInterval_ThenEveryPollIntervalOnceActive()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 0);
        using var watch = f.Store.Watch(StoreFixture.Target());

        for (var i = 0; i < 10; i++)
        {
            await f.PollAsync(Tick);
        }

        Assert.Equal(10, f.Admin.Calls("stats"));

        // The first message: seen on the next one-second tick, and pushed.
        f.Admin.Set(Orders, rateIn: 5, backlog: 3);
        await f.PollAsync(Tick);
        Assert.True(watch.Changes.TryRead(out var active));
        Assert.True(active);

        // Active: back to one fetch per PollInterval (5 s) although the loop still ticks every second.
        var before = f.Admin.Calls("stats");
        for (var i = 0; i < 20; i++)
        {
            await f.PollAsync(Tick);
        }

        Assert.Equal(before + 4, f.Admin.Calls("stats"));
    }

    [Fact]
    public async Task PollOnceAsync_InactiveButNotWatched_OnePerPollIntervalAtOneSecondTicks()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 0);
        await f.Store.GetAsync(StoreFixture.Target(), default).WaitAsync(Timeout);

        for (var i = 0; i < 20; i++)
        {
            await f.PollAsync(Tick);
        }

        // The cold request, then at 5, 10, 15 and 20 s.
        Assert.Equal(5, f.Admin.Calls("stats"));
    }

    [Fact]
    public async Task PollOnceAsync_ThousandTargetsOverHundredTopicsAtOneSecondTicks_StillOneFetchPerTopicPerInterval()
    {
        using var f = new StoreFixture();
        var targets = f.ThousandTargetsOverHundredTopics();
        foreach (var target in targets)
        {
            await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        }

        // Half of them watched but active (backlog 5 > 0): no faster polling for them either.
        var watches = targets.Take(500).Select(f.Store.Watch).ToList();
        for (var i = 0; i < 10; i++)
        {
            await f.PollAsync(Tick);
        }

        Assert.Equal(100 * 3, f.Admin.Calls("stats"));
        watches.ForEach(w => w.Dispose());
    }

    [Fact]
    public async Task PollOnceAsync_WakeIntervalEqualToPollInterval_NoFasterPolling()
    {
        using var f = new StoreFixture(new SignalStoreOptions { WakePollInterval = TimeSpan.FromSeconds(5) });
        f.Admin.Set(Orders, rateIn: 0, backlog: 0);
        using var watch = f.Store.Watch(StoreFixture.Target());

        for (var i = 0; i < 10; i++)
        {
            await f.PollAsync(Tick);
        }

        Assert.Equal(2, f.Admin.Calls("stats"));
    }

    [Fact]
    public async Task SignalPoller_TicksAtWakeInterval()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 0);
        using var watch = f.Store.Watch(StoreFixture.Target());
        using var poller = new SignalPoller(f.Store, f.Time, NullLogger<SignalPoller>.Instance);
        await poller.StartAsync(default).WaitAsync(Timeout);

        // The loop starts on its own thread: advance until its timer exists and the first round has fetched.
        var deadline = DateTime.UtcNow + Timeout;
        while (f.Admin.Calls("stats") == 0 && DateTime.UtcNow < deadline)
        {
            f.Time.Advance(Tick);
            await Task.Delay(20);
        }

        // From then on every single one-second advance fires a round; a 5 s loop would skip four of five.
        for (var i = 0; i < 3; i++)
        {
            var expected = f.Admin.Calls("stats") + 1;
            f.Time.Advance(Tick);
            while (f.Admin.Calls("stats") < expected && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.Equal(expected, f.Admin.Calls("stats"));
        }

        await poller.StopAsync(default).WaitAsync(Timeout);
    }

    public static TheoryData<string, TimeSpan, TimeSpan?, string?> ValidationCases => new()
    {
        // name, poll interval, wake interval (null = unset), expected error (null = valid)
        { "default", TimeSpan.FromSeconds(5), null, null },
        { "explicit, divides poll interval", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(2500), null },
        { "does not divide poll interval", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), "MeshScaler:Pulsar:WakePollInterval must divide PollInterval (00:00:05) evenly, got 00:00:02" },
        { "equal to poll interval", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), null },
        { "unset with a short poll interval follows it", TimeSpan.FromMilliseconds(200), null, null },
        { "zero", TimeSpan.FromSeconds(5), TimeSpan.Zero, "MeshScaler:Pulsar:WakePollInterval must be greater than 0, got 00:00:00" },
        { "negative", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(-1), "MeshScaler:Pulsar:WakePollInterval must be greater than 0, got -00:00:01" },
        { "above poll interval", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6), "MeshScaler:Pulsar:WakePollInterval must be at most PollInterval (00:00:05), got 00:00:06" },
    };

    [Theory]
    [MemberData(nameof(ValidationCases))]
    public void Validate_WakePollInterval(string name, TimeSpan poll, TimeSpan? wake, string? error)
    {
        var options = new SignalStoreOptions { PollInterval = poll };
        if (wake is { } w)
        {
            options.WakePollInterval = w;
        }

        var result = new SignalStoreOptionsValidator().Validate(null, options);

        if (error is null)
        {
            Assert.True(result.Succeeded, $"{name}: {result.FailureMessage}");
        }
        else
        {
            Assert.Contains(error, result.Failures ?? []);
        }
    }

    [Fact]
    public void WakePollInterval_Defaults()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), new SignalStoreOptions().WakePollInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(200), new SignalStoreOptions { PollInterval = TimeSpan.FromMilliseconds(200) }.WakePollInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(750), new SignalStoreOptions { PollInterval = TimeSpan.FromMilliseconds(1500) }.WakePollInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), new SignalStoreOptions { PollInterval = TimeSpan.FromSeconds(7) }.WakePollInterval);
    }

    [Fact]
    public async Task PollOnceAsync_WatchedInactiveTargetWhoseFetchesFail_BacksOffToPollInterval()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 0);
        using var watch = f.Store.Watch(StoreFixture.Target());
        await f.PollAsync(Tick);
        var before = f.Admin.Calls("stats");

        // A struggling broker is not probed every second: one request per PollInterval while it fails.
        f.Admin.Failure = new ScalingException(ScalingErrorKind.Unavailable, "down") { IsTransient = true };
        for (var i = 0; i < 20; i++)
        {
            await f.PollAsync(Tick);
        }

        Assert.InRange(f.Admin.Calls("stats") - before, 4, 5);

        // Recovered: wake polling resumes.
        f.Admin.Failure = null;
        for (var i = 0; i < 6; i++)
        {
            await f.PollAsync(Tick);
        }

        var recovered = f.Admin.Calls("stats");
        for (var i = 0; i < 5; i++)
        {
            await f.PollAsync(Tick);
        }

        Assert.Equal(recovered + 5, f.Admin.Calls("stats"));
    }
}
