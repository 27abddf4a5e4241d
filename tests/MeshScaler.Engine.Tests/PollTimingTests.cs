using MeshScaler.Core;

namespace MeshScaler.Engine.Tests;

/// <summary>Regular polls are timed to a single metric reader's phase, without ever polling more often.</summary>
public sealed class PollTimingTests
{
    private static readonly TopicName Orders = new("public", "default", "orders");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The HPA's reads every 15 s, 2 s after the store's own 5 s grid: without timing every read would see data 2 s old.
    /// Returns the age of the data each read saw and the number of stats fetches in 60 s.
    /// </summary>
    private static async Task<(List<double> Ages, int Fetches)> ReadEvery15sAsync(bool forMetric, params ScaleTarget[] readers)
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 10, backlog: 5);
        await f.Store.GetAsync(readers[0], default).WaitAsync(Timeout);
        var ages = new List<double>();
        for (var second = 1; second <= 60; second++)
        {
            await f.PollAsync(Tick);
            for (var r = 0; r < readers.Length; r++)
            {
                // Readers at different phases: 2 s, 9 s, ... after the grid.
                if (second % 15 == (2 + (7 * r)) % 15)
                {
                    var signal = forMetric
                        ? await f.Store.GetMetricAsync(readers[r], default).WaitAsync(Timeout)
                        : await f.Store.GetAsync(readers[r], default).WaitAsync(Timeout);
                    ages.Add((f.Time.GetUtcNow() - signal.OldestFetch).TotalSeconds);
                }
            }
        }

        return (ages, f.Admin.Calls("stats"));
    }

    [Fact]
    public async Task GetMetricAsync_SingleReader_LaterReadsFindDataFromTheSameTick_WithNoMoreFetches()
    {
        var target = StoreFixture.Target();
        var untimed = await ReadEvery15sAsync(forMetric: false, target);
        var timed = await ReadEvery15sAsync(forMetric: true, target);

        Assert.Equal([2, 2, 2, 2], untimed.Ages);
        Assert.Equal([2, 0, 0, 0], timed.Ages);
        Assert.Equal(13, untimed.Fetches);
        Assert.True(timed.Fetches <= untimed.Fetches, $"{timed.Fetches} fetches with timing, {untimed.Fetches} without");
    }

    [Fact]
    public async Task GetMetricAsync_TwoReadersAtDifferentPhases_KeepsThePlainGrid()
    {
        var first = StoreFixture.Target();
        var second = StoreFixture.Target(extra: ("msgBacklogThreshold", "20"));
        var untimed = await ReadEvery15sAsync(forMetric: false, first, second);
        var timed = await ReadEvery15sAsync(forMetric: true, first, second);

        // The first read of the first reader moves the grid once; the second reader's arrival switches timing off.
        Assert.Equal(untimed.Fetches, timed.Fetches + 1);
        Assert.Equal(8, timed.Ages.Count);
        Assert.All(timed.Ages, age => Assert.InRange(age, 0, 5));
    }

    public static TheoryData<string, double, double, double, double?> HoldCases => new()
    {
        // name, seconds since the last fetch started at the read, poll interval, max staleness, expected hold (s after the read; null = none)
        { "data two ticks old: next poll one interval after the read, less a tick", 2, 5, 60, 4 },
        { "data one tick old: already on phase", 1, 5, 60, null },
        { "overdue data: never more than two intervals after the last fetch", 8, 5, 60, 1 },
        { "max staleness below two intervals: no hold", 2, 5, 9, null },
        { "tick equal to the interval: nothing to align", 2, 1, 60, null },
    };

    [Theory]
    [MemberData(nameof(HoldCases))]
    public void OnMetricRead_HoldsOnlyPostponingWithinBounds(string name, double age, double interval, double maxStaleness, double? holdSeconds)
    {
        var options = new SignalStoreOptions
        {
            PollInterval = TimeSpan.FromSeconds(interval),
            WakePollInterval = Tick,
            MaxStaleness = TimeSpan.FromSeconds(maxStaleness),
        };
        var timing = new PollTiming();
        var read = T0.AddSeconds(age);

        timing.OnMetricRead("target", read, T0, options);

        if (holdSeconds is { } hold)
        {
            Assert.True(timing.Holds(read.AddSeconds(hold)), name);
            Assert.False(timing.Holds(read.AddSeconds(hold + 0.001)), name);
            Assert.True(read.AddSeconds(hold) >= T0.AddSeconds(interval), $"{name}: a hold must only postpone");
        }
        else
        {
            Assert.False(timing.Holds(read), name);
        }
    }

    [Fact]
    public void OnMetricRead_MovesThePhaseAtMostOncePerInterval()
    {
        var options = new SignalStoreOptions();
        var timing = new PollTiming();

        timing.OnMetricRead("target", T0.AddSeconds(2), T0, options);
        timing.OnMetricRead("target", T0.AddSeconds(4), T0, options);

        // The second late read (within the interval) does not move the hold from 6 s to 8 s.
        Assert.True(timing.Holds(T0.AddSeconds(6)));
        Assert.False(timing.Holds(T0.AddSeconds(7)));
    }
}
