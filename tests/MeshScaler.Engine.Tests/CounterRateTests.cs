using MeshScaler.Core;

namespace MeshScaler.Engine.Tests;

/// <summary>Rates derived from Pulsar's counters between the store's own fetches.</summary>
public sealed class CounterRateTests
{
    private static readonly TopicName Orders = new("public", "default", "orders");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static TopicStats Stats(long? msgIn, long? msgOut, long backlog = 0, int consumers = 1, double rateIn = 7, double rateOut = 6) =>
        new(rateIn, 0, new Dictionary<string, SubscriptionStats> { ["sub"] = new(backlog, rateOut, consumers, 1, "Shared", msgOut) }, msgIn);

    [Fact]
    public async Task GetAsync_CountersBetweenPolls_ExactRatesOverTheRealInterval_WindowedAfterReset()
    {
        using var f = new StoreFixture();
        var target = StoreFixture.Target();
        f.Admin.SetStats(Orders, Stats(1000, 900));

        var first = await f.Store.GetAsync(target, default).WaitAsync(Timeout);

        // No previous fetch yet: the broker's windowed rates.
        Assert.False(first.RatesFromCounters);
        Assert.Equal(7, first.InflowRate);

        f.Admin.SetStats(Orders, Stats(2500, 1900));
        await f.PollAsync(TimeSpan.FromSeconds(5));
        var exact = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        Assert.True(exact.RatesFromCounters);
        Assert.Equal(1500 / 5.0, exact.InflowRate);
        Assert.Equal(1000 / 5.0, exact.OutRate);

        // The interval is the real one between fetches: a late poll divides by 8 s, not by PollInterval.
        f.Admin.SetStats(Orders, Stats(2500 + 800, 1900 + 400));
        await f.PollAsync(TimeSpan.FromSeconds(8));
        var late = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        Assert.Equal(100, late.InflowRate);
        Assert.Equal(50, late.OutRate);

        // Topic unloaded: the counters restart from 0, so this interval falls back to the windowed rates...
        f.Admin.SetStats(Orders, Stats(30, 20));
        await f.PollAsync();
        var reset = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        Assert.False(reset.RatesFromCounters);
        Assert.Equal(7, reset.InflowRate);
        Assert.Equal(6, reset.OutRate);

        // ...and the next one is exact again from the new baseline.
        f.Admin.SetStats(Orders, Stats(30 + 500, 20 + 250));
        await f.PollAsync();
        var again = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        Assert.True(again.RatesFromCounters);
        Assert.Equal(100, again.InflowRate);
        Assert.Equal(50, again.OutRate);
    }

    [Fact]
    public async Task GetAsync_CounterMissing_WindowedRates()
    {
        using var f = new StoreFixture();
        var target = StoreFixture.Target();
        f.Admin.SetStats(Orders, Stats(1000, null));
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);

        f.Admin.SetStats(Orders, Stats(2000, null));
        await f.PollAsync();
        var signal = await f.Store.GetAsync(target, default).WaitAsync(Timeout);

        Assert.False(signal.RatesFromCounters);
        Assert.Equal(200, signal.InflowRate);
        Assert.Equal(6, signal.OutRate);
    }

    [Fact]
    public async Task CapacityMode_LearnsFromExactSaturatedIntervalsOnly()
    {
        using var f = new StoreFixture();
        var target = StoreFixture.Target(extra: ("scalingMode", "capacity"));

        // The windowed out-rate (6 msg/s) badly under-reports; the counters show 2 consumers doing 1000 msg / 5 s.
        f.Admin.SetStats(Orders, Stats(0, 0, backlog: 500, consumers: 2));
        var cold = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        Assert.Null(cold.PerReplicaRate);

        f.Admin.SetStats(Orders, Stats(1200, 1000, backlog: 600, consumers: 2));
        await f.PollAsync();
        var learned = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        Assert.Equal(100, learned.PerReplicaRate);

        // The backlog drained within the interval: not capacity evidence, the estimate stays.
        f.Admin.SetStats(Orders, Stats(1400, 1800, backlog: 0, consumers: 2));
        await f.PollAsync();
        var kept = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        Assert.Equal(100, kept.PerReplicaRate);
        Assert.Equal(Math.Ceiling((200 / 5.0) / 100), kept.DesiredReplicas);
    }
}
