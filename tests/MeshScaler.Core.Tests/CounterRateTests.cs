using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

/// <summary>Counter-derived rates (TopicObservation) and how SignalCalculator and RateLearner use them.</summary>
public sealed class CounterRateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TopicName Orders = new("public", "default", "orders");

    private static readonly ScaleTarget Capacity = new()
    {
        Topics = new TopicList([Orders]),
        Subscription = "sub",
        Mode = ScalingMode.Capacity,
        MetricName = "m",
    };

    private static TopicObservation At(
        double seconds, long? msgIn, long? msgOut, double rateIn = 50, double rateOut = 40, long backlog = 100, int consumers = 2) =>
        new(Orders, new TopicStats(rateIn, 0, new Dictionary<string, SubscriptionStats> { ["sub"] = new(backlog, rateOut, consumers, 1, "Shared", msgOut) }, msgIn),
            T0.AddSeconds(seconds));

    public static TheoryData<string, long?, long?, long?, long?, double?, double?> Cases => new()
    {
        // name, in before, in now, out before, out now, expected rate in, expected rate out (over 5 s)
        { "increasing counters give exact rates", 1000, 2500, 900, 1900, 300, 200 },
        { "unchanged counters give zero", 1000, 1000, 900, 900, 0, 0 },
        { "decrease is a reset: unknown", 1000, 40, 900, 30, null, null },
        { "missing before: unknown", null, 2500, null, 1900, null, null },
        { "missing now: unknown", 1000, null, 900, null, null, null },
        { "only the in counter reset", 1000, 40, 900, 1900, null, 200 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CounterRates_FromDeltasOverTheInterval(string name, long? inBefore, long? inNow, long? outBefore, long? outNow, double? rateIn, double? rateOut)
    {
        var observation = At(5, inNow, outNow).After(At(0, inBefore, outBefore));

        Assert.True(rateIn == observation.CounterRateIn, $"{name}: rate in {observation.CounterRateIn}");
        Assert.True(rateOut == observation.CounterRateOut("sub"), $"{name}: rate out {observation.CounterRateOut("sub")}");
        Assert.Equal(TimeSpan.FromSeconds(5), observation.Interval);
    }

    [Fact]
    public void CounterRates_NoPreviousOrNoTimeBetween_Unknown()
    {
        Assert.Null(At(5, 10, 10).CounterRateIn);
        Assert.Null(At(5, 20, 20).After(At(5, 10, 10)).CounterRateIn);
        Assert.Null(At(5, 20, 20).After(At(0, 10, 10)).CounterRateOut("other"));
    }

    [Fact]
    public void After_KeepsOnlyOneStepOfHistory()
    {
        var second = At(5, 20, 20).After(At(0, 10, 10));
        var third = At(10, 30, 30).After(second);

        Assert.Same(second.Stats, third.Previous);
        Assert.Equal(T0.AddSeconds(5), third.PreviousFetchedAt);
    }

    [Fact]
    public void Compute_CountersKnown_UsesExactRatesInsteadOfWindowed()
    {
        // Windowed rates say 50 in / 40 out; the counters say 300 in / 200 out over the last 5 s.
        var observation = At(5, 2500, 1900).After(At(0, 1000, 900));

        var signal = SignalCalculator.Compute(Capacity, [observation], 100);

        Assert.True(signal.RatesFromCounters);
        Assert.Equal(300, signal.InflowRate);
        Assert.Equal(200, signal.OutRate);
        Assert.Equal(Math.Ceiling((300 + (100 / 60.0)) / 100), signal.DesiredReplicas);
    }

    [Fact]
    public void Compute_CounterReset_FallsBackToWindowedRates()
    {
        var observation = At(5, 12, 9).After(At(0, 1000, 900));

        var signal = SignalCalculator.Compute(Capacity, [observation], 100);

        Assert.False(signal.RatesFromCounters);
        Assert.True(signal.CountersReported);
        Assert.Equal(50, signal.InflowRate);
        Assert.Equal(40, signal.OutRate);
        Assert.Null(signal.CapacitySample);
    }

    public static TheoryData<string, long, long, int, int, double?> SaturationCases => new()
    {
        // name, backlog before, backlog now, consumers before, consumers now, expected sample (out 1000 msgs / 5 s / consumers)
        { "backlog worth over 2 s of processing at both ends, same consumers", 2000, 1600, 2, 2, 100 },
        { "backlog of in-flight messages only (under 2 s of processing) is demand, not capacity", 100, 80, 2, 2, null },
        { "backlog worth 2 s at one end only", 2000, 300, 2, 2, null },
        { "backlog appeared mid-interval", 0, 1600, 2, 2, null },
        { "backlog drained mid-interval", 2000, 0, 2, 2, null },
        { "a replica joined mid-interval", 2000, 1600, 1, 2, null },
    };

    [Theory]
    [MemberData(nameof(SaturationCases))]
    public void Compute_CapacitySample_OnlyFromSaturatedIntervals(string name, long backlogBefore, long backlogNow, int consumersBefore, int consumersNow, double? expected)
    {
        var observation = At(5, 2000, 1900, backlog: backlogNow, consumers: consumersNow)
            .After(At(0, 1000, 900, backlog: backlogBefore, consumers: consumersBefore));

        var signal = SignalCalculator.Compute(Capacity, [observation], null);

        Assert.True(expected == signal.CapacitySample, $"{name}: {signal.CapacitySample}");
    }

    [Fact]
    public void RateLearner_ExactSamples_AreSymmetric()
    {
        // No partly saturated window exists in a counter delta, so a lower sample is learned as fast as a higher one.
        Assert.Equal(100 - (RateLearner.Alpha * 50), RateLearner.ObserveExact(100, 50)!.Value, 9);
        Assert.Equal(100 + (RateLearner.Alpha * 50), RateLearner.ObserveExact(100, 150)!.Value, 9);
        Assert.Equal(80, RateLearner.ObserveExact(null, 80));
        Assert.Equal(100, RateLearner.ObserveExact(100, double.NaN));
        Assert.Equal(100, RateLearner.ObserveExact(100, 0));
    }

    [Fact]
    public void RateLearner_FromSignal_ExactWhenSaturated_NothingWhenCountersButNotSaturated_WindowedWithoutCounters()
    {
        var saturated = SignalCalculator.Compute(Capacity, [At(5, 2000, 1900, backlog: 2000).After(At(0, 1000, 900, backlog: 2000))], null);
        var unsaturated = SignalCalculator.Compute(Capacity, [At(5, 2000, 1900, backlog: 0).After(At(0, 1000, 900))], null);
        var firstWithCounters = SignalCalculator.Compute(Capacity, [At(0, 1000, 900)], null);
        var windowedOnly = SignalCalculator.Compute(Capacity, [At(5, null, null).After(At(0, null, null))], null);

        // The exact sample is 1000 msgs / 5 s / 2 consumers = 100 msg/s per replica; from 80 it moves by Alpha.
        Assert.Equal(80 + (RateLearner.Alpha * (100 - 80)), RateLearner.Observe(80, saturated)!.Value, 9);
        Assert.Equal(80, RateLearner.Observe(80, unsaturated));
        Assert.Null(RateLearner.Observe(null, firstWithCounters));

        // Without counters the windowed path is unchanged: 40 msg/s over 2 consumers is 20, a lower sample weighted by AlphaDown.
        Assert.Equal(100 - (RateLearner.AlphaDown * 80), RateLearner.Observe(100, windowedOnly)!.Value, 9);
    }

    [Fact]
    public void Compute_SlowFetches_MakeTheIntervalTooUncertainForExactRates()
    {
        var slow = (At(5, 2000, 1900) with { FetchDuration = TimeSpan.FromMilliseconds(300) })
            .After(At(0, 1000, 900) with { FetchDuration = TimeSpan.FromMilliseconds(300) });
        var quick = (At(5, 2000, 1900) with { FetchDuration = TimeSpan.FromMilliseconds(200) })
            .After(At(0, 1000, 900) with { FetchDuration = TimeSpan.FromMilliseconds(200) });

        Assert.Null(slow.CounterRateIn);
        Assert.Equal(200, quick.CounterRateIn);
    }

    [Theory]
    [InlineData(0, 3, true)]
    [InlineData(0, 0, false)]
    [InlineData(2.5, 0, true)]
    public void Compute_RateActivation_UsesTheLargerOfExactAndWindowedInflow(double windowedRate, long publishedInInterval, bool expected)
    {
        // A quiet 5 s interval of sparse traffic must not read as "no traffic" while the broker's window still shows it.
        var target = Capacity with { ActivationMsgRateThreshold = 0 };
        var observation = At(5, 1000 + publishedInInterval, 900, rateIn: windowedRate, backlog: 0).After(At(0, 1000, 900, backlog: 0));

        Assert.Equal(expected, SignalCalculator.Compute(target, [observation], null).IsActive);
    }
}
