using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class SignalCalculatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TopicName Orders = new("public", "default", "orders");
    private static readonly TopicName Refunds = new("public", "default", "refunds");

    private static ScaleTarget Target(ScalingMode mode = ScalingMode.Backlog, double threshold = 10, double activation = 0,
        double? rateActivation = null, double drain = 60, double? perReplica = null, params TopicName[] topics) => new()
        {
            Topics = new TopicList(topics.Length == 0 ? [Orders] : topics),
            Subscription = "sub",
            Mode = mode,
            MsgBacklogThreshold = threshold,
            ActivationMsgBacklogThreshold = activation,
            ActivationMsgRateThreshold = rateActivation,
            TargetDrainSeconds = drain,
            MsgRatePerReplica = perReplica,
            MetricName = "m",
        };

    private static TopicObservation Observe(TopicName topic, double rateIn, long? backlog, double rateOut = 0, int consumers = 0, double perEntry = 1) =>
        new(topic, new TopicStats(rateIn, 0, backlog is { } b
            ? new Dictionary<string, SubscriptionStats> { ["sub"] = new(b, rateOut, consumers, perEntry, "Shared") }
            : new Dictionary<string, SubscriptionStats>()), T0);

    public static TheoryData<string, double, long, double?, double, double, double> CapacityCases => new()
    {
        // name, inflow, backlog (entries), msgRatePerReplica, drain seconds, messages per entry, expected desired
        { "idle gives zero", 0, 0, 100, 60, 1, 0 },
        { "inflow only", 250, 0, 100, 60, 1, 3 },
        { "inflow exactly fits", 200, 0, 100, 60, 1, 2 },
        { "backlog only, no inflow: drained within maxDrainSeconds (300)", 0, 60000, 100, 60, 1, 2 },
        { "backlog and inflow: drained within the drain time", 100, 3000, 50, 60, 1, 3 },
        { "large backlog: caught up at half the inflow rate on top of the inflow", 100, 12000, 50, 60, 1, 3 },
        { "short drain asks for more", 1000, 5000, 100, 10, 1, 15 },
        { "long drain asks for less", 1000, 5000, 100, 60, 1, 11 },
        { "batched entries count as messages", 400, 1500, 50, 60, 4, 10 },
        { "unknown rate falls back to backlog formula", 100, 25, null, 60, 1, 3 },
        { "unknown rate inflow without backlog needs one replica", 100, 0, null, 60, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(CapacityCases))]
    public void Compute_CapacityMode_FollowsTheFormula(string name, double inflow, long backlog, double? perReplica, double drain, double perEntry, double expected)
    {
        var target = Target(ScalingMode.Capacity, drain: drain, perReplica: perReplica);

        var signal = SignalCalculator.Compute(target, [Observe(Orders, inflow, backlog, perEntry: perEntry)], learnedPerReplicaRate: null);

        Assert.True(expected == signal.DesiredReplicas, $"{name}: expected {expected}, got {signal.DesiredReplicas}");

        // The metric is the unrounded need: the HPA rounds it up itself, and applies its tolerance to it.
        Assert.Equal(expected, Math.Ceiling(signal.MetricValue));
        Assert.True(signal.MetricValue > expected - 1 || expected == 0, $"{name}: metric {signal.MetricValue}");
    }

    public static TheoryData<string, double, double, double, double, double, double, double, double> DrainCases => new()
    {
        // name, backlog (messages), inflow, consumers' rate (msg/s), targetDrainSeconds, maxDrainSeconds, replicaStartupSeconds,
        // catchUpRatio, expected drain rate (msg/s)
        { "no backlog", 0, 500, 500, 10, 300, 0, 0.5, 0 },
        { "small backlog: drained within targetDrainSeconds", 400, 100, 100, 10, 300, 0, 0.5, 40 },
        { "burst backlog: caught up at catchUpRatio x inflow", 60000, 1520, 1000, 10, 300, 0, 0.5, 760 },
        { "catchUpRatio 1: the lag falls a second per second", 60000, 1520, 1000, 10, 300, 0, 1, 1520 },
        { "startup counts before the drain time", 600, 100, 100, 10, 300, 20, 0.5, 20 },
        { "no inflow: within startup + maxDrainSeconds", 60000, 0, 0, 10, 300, 0, 0.5, 200 },
        { "trickle inflow: still within startup + maxDrainSeconds", 60000, 1, 1, 10, 300, 20, 0.5, 187.5 },
        { "burst over, consumers still draining: what they drain is kept", 60000, 100, 1100, 10, 300, 20, 0.5, 1000 },
        { "consumers draining faster than the drain time needs: the drain time wins", 60000, 100, 3100, 10, 300, 20, 0.5, 2000 },
        { "inflow far above the drain time's rate: the drain time wins", 600, 5000, 5000, 10, 300, 0, 0.5, 60 },
        { "out-rate unknown (not finite): no consumer floor", 60000, 1520, double.NaN, 10, 300, 0, 0.5, 760 },
    };

    [Theory]
    [MemberData(nameof(DrainCases))]
    public void DrainRate_FollowsTheFormula(
        string name, double backlog, double inflow, double outRate, double drain, double maxDrain, double startup, double ratio, double expected)
    {
        var target = Target(ScalingMode.Capacity, drain: drain) with { MaxDrainSeconds = maxDrain, ReplicaStartupSeconds = startup, CatchUpRatio = ratio };

        var rate = SignalCalculator.DrainRate(target, backlog, inflow, outRate);

        Assert.True(Math.Abs(expected - rate) < 1e-9, $"{name}: expected {expected}, got {rate}");
    }

    public static TheoryData<string, double, double, double, double?, double> EndedBurstCases => new()
    {
        // name, backlog (messages), inflow, consumers' rate (msg/s), age of the oldest backlog message (s), expected drain
        // rate (msg/s); targetDrainSeconds 10, replicaStartupSeconds 5, catchUpRatio 0.5, maxDrainSeconds 300.
        { "a burst ended, its tail already late: drained within startup + targetDrainSeconds", 33000, 80, 500, 35, 2200 },
        { "the age exactly startup + targetDrainSeconds counts as late", 33000, 80, 500, 15, 2200 },
        { "tail not late yet: the cap (what the consumers drain) holds", 33000, 80, 500, 14, 420 },
        { "age unknown (a broker before 2.11): the cap holds", 33000, 80, 500, null, 420 },
        { "burst still on, consumers barely ahead of it: the cap holds", 27000, 930, 975, 29, 465 },
        { "consumers exactly twice the inflow: not yet an ended burst", 33000, 250, 500, 35, 250 },
        { "no consumers and no inflow (stopped producers): the maxDrainSeconds floor", 33000, 0, 0, 600, 33000 / 305.0 },
        { "out-rate unknown (not finite): the cap holds", 33000, 80, double.NaN, 35, 33000 / 305.0 },
    };

    [Theory]
    [MemberData(nameof(EndedBurstCases))]
    public void DrainRate_AnEndedBurstsLateTail_IsDrainedWithinTheDrainTime(string name, double backlog, double inflow, double outRate, double? age, double expected)
    {
        var target = Target(ScalingMode.Capacity, drain: 10) with { MaxDrainSeconds = 300, ReplicaStartupSeconds = 5, CatchUpRatio = 0.5 };

        var rate = SignalCalculator.DrainRate(target, backlog, inflow, outRate, age);

        Assert.True(Math.Abs(expected - rate) < 1e-9, $"{name}: expected {expected}, got {rate}");
    }

    [Fact]
    public void Compute_CapacityMode_TheBacklogsAgeAtTheFetch_LiftsTheCapOnAnEndedBurst()
    {
        // 10 consumers at 50 msg/s each drain 500 msg/s against an inflow of 80; the oldest message was published 35 s
        // before the fetch.
        static TopicObservation Tail(DateTimeOffset? earliest) => new(
            Orders, new TopicStats(80, 0, new Dictionary<string, SubscriptionStats> { ["sub"] = new(30000, 500, 10, 1, "Shared", null, earliest) }), T0);
        var target = Target(ScalingMode.Capacity, drain: 10, perReplica: 50) with { ReplicaStartupSeconds = 5 };

        var late = SignalCalculator.Compute(target, [Tail(T0.AddSeconds(-35))], learnedPerReplicaRate: null);
        var ageUnknown = SignalCalculator.Compute(target, [Tail(null)], learnedPerReplicaRate: null);

        // (80 + 30000 / 15) / 50 against (80 + max(40, 500 - 80)) / 50.
        Assert.Equal(41.6, late.MetricValue, 9);
        Assert.Equal(10, ageUnknown.MetricValue, 9);
    }

    [Fact]
    public void Compute_CapacityMode_PrefetchBurstOfNewConsumers_DoesNotLiftTheDrainFloor()
    {
        // 20 consumers at 100 msg/s each, but the counter saw 9000 msg/s: new consumers filling their receiver queues.
        var target = Target(ScalingMode.Capacity, drain: 10, perReplica: 100);

        var signal = SignalCalculator.Compute(target, [Observe(Orders, 1500, 60000, rateOut: 9000, consumers: 20)], learnedPerReplicaRate: null);

        // drain = min(6000, max(0.5 x 1500, min(9000, 2000) - 1500, 200)) = 750: (1500 + 750) / 100.
        Assert.Equal(22.5, signal.MetricValue, 9);
    }

    [Fact]
    public void Compute_CapacityMode_InflowJustOverOneReplica_ServesTheUnroundedNeed()
    {
        var signal = SignalCalculator.Compute(Target(ScalingMode.Capacity, perReplica: 100), [Observe(Orders, 100.5, 0)], learnedPerReplicaRate: null);

        // 1.005 replicas: the HPA's 10 % tolerance keeps one replica; a metric rounded to 2 would double it.
        Assert.Equal(1.005, signal.MetricValue, 9);
        Assert.Equal(2, signal.DesiredReplicas);
    }

    [Fact]
    public void Compute_BacklogModeWithALearnedRate_DesiresWhatItsHpaDoes()
    {
        // The store learns a rate for every target; backlog mode's desired replicas must stay backlog / threshold.
        var signal = SignalCalculator.Compute(Target(threshold: 100), [Observe(Orders, 450, 250)], learnedPerReplicaRate: 100);

        Assert.Equal(3, signal.DesiredReplicas);
        Assert.Equal(250, signal.MetricValue);
    }

    [Fact]
    public void Compute_CapacityMode_UsesLearnedRateWhenNoneGiven()
    {
        var signal = SignalCalculator.Compute(Target(ScalingMode.Capacity), [Observe(Orders, 450, 0)], learnedPerReplicaRate: 100);

        Assert.Equal(5, signal.DesiredReplicas);
        Assert.Equal(100, signal.PerReplicaRate);
    }

    [Fact]
    public void Compute_CapacityMode_GivenRateWinsOverLearned()
    {
        var signal = SignalCalculator.Compute(Target(ScalingMode.Capacity, perReplica: 50), [Observe(Orders, 450, 0)], learnedPerReplicaRate: 100);

        Assert.Equal(9, signal.DesiredReplicas);
    }

    [Fact]
    public void Compute_BacklogMode_MetricIsSummedBacklogOverTopics()
    {
        var signal = SignalCalculator.Compute(
            Target(topics: [Orders, Refunds]),
            [Observe(Orders, 10, 1526, rateOut: 5, consumers: 2), Observe(Refunds, 3, 8102, rateOut: 7, consumers: 3)],
            null);

        Assert.Equal(9628, signal.MetricValue);
        Assert.Equal(9628, signal.Backlog);
        Assert.Equal(13, signal.InflowRate);
        Assert.Equal(12, signal.OutRate);
        Assert.Equal(3, signal.Consumers);
        Assert.Equal(963, signal.DesiredReplicas);
        Assert.True(signal.IsActive);
    }

    public static TheoryData<string, long, double, double, double?, bool> ActivationCases => new()
    {
        // name, backlog, inflow, activation backlog threshold, activation rate threshold, expected
        { "no backlog is inactive", 0, 0, 0, null, false },
        { "one entry above zero threshold", 1, 0, 0, null, true },
        { "backlog equal to threshold is inactive (strict)", 5, 0, 5, null, false },
        { "backlog above threshold", 6, 0, 5, null, true },
        { "inflow ignored without rate threshold", 0, 1000, 0, null, false },
        { "inflow above rate threshold", 0, 2.5, 0, 2, true },
        { "inflow equal to rate threshold is inactive", 0, 2, 0, 2, false },
    };

    [Theory]
    [MemberData(nameof(ActivationCases))]
    public void Compute_Activation_IsStrictlyAboveThresholds(string name, long backlog, double inflow, double activation, double? rateActivation, bool expected)
    {
        var signal = SignalCalculator.Compute(Target(activation: activation, rateActivation: rateActivation), [Observe(Orders, inflow, backlog)], null);

        Assert.True(expected == signal.IsActive, name);
    }

    [Fact]
    public void Compute_CapacityModeKeepingUp_ActiveWhileItsMetricAsksForReplicas()
    {
        // What a user writes: no activation key. A function that keeps up has no backlog; it must not read as idle,
        // or KEDA scales it to zero after cooldownPeriod while the metric still asks for replicas.
        var target = TriggerMetadata.Parse(new Dictionary<string, string>
        {
            ["adminURL"] = "http://pulsar:8080",
            ["topic"] = "public/default/orders",
            ["subscription"] = "sub",
            ["scalingMode"] = "capacity",
            ["msgRatePerReplica"] = "100",
        }).Target!;

        var busy = SignalCalculator.Compute(target, [Observe(Orders, 250, 0, rateOut: 250, consumers: 3)], null);
        var idle = SignalCalculator.Compute(target, [Observe(Orders, 0, 0, consumers: 3)], null);

        Assert.Equal(2.5, busy.MetricValue, 6);
        Assert.True(busy.IsActive);
        Assert.False(idle.IsActive);
    }

    [Fact]
    public void Compute_MissingSubscriptionWithInflow_IsActiveWithZeroBacklog()
    {
        var signal = SignalCalculator.Compute(Target(), [Observe(Orders, 3.5, backlog: null)], null);

        Assert.Equal(0, signal.Backlog);
        Assert.True(signal.IsActive);
        Assert.Equal([Orders], signal.MissingSubscriptionTopics);
    }

    [Fact]
    public void Compute_MissingSubscriptionWithoutInflow_IsInactive()
    {
        var signal = SignalCalculator.Compute(Target(), [Observe(Orders, 0, backlog: null)], null);

        Assert.False(signal.IsActive);
        Assert.Equal([Orders], signal.MissingSubscriptionTopics);
    }

    [Fact]
    public void Compute_OldestBacklogMessage_TheEarliestOverTopicsWithABacklog_UnknownWhenOneDidNotSay()
    {
        static TopicObservation With(TopicName topic, long backlog, DateTimeOffset? earliest) =>
            new(topic, new TopicStats(0, 0, new Dictionary<string, SubscriptionStats> { ["sub"] = new(backlog, 0, 1, 1, "Shared", null, earliest) }), T0);
        var target = Target(topics: [Orders, Refunds]);

        var known = SignalCalculator.Compute(target, [With(Orders, 5, T0.AddSeconds(-30)), With(Refunds, 7, T0.AddSeconds(-90))], null);
        var idleTopicSaysNothing = SignalCalculator.Compute(target, [With(Orders, 5, T0.AddSeconds(-30)), With(Refunds, 0, null)], null);
        var unknown = SignalCalculator.Compute(target, [With(Orders, 5, T0.AddSeconds(-30)), With(Refunds, 7, null)], null);
        var noBacklog = SignalCalculator.Compute(target, [With(Orders, 0, null)], null);

        Assert.Equal(T0.AddSeconds(-90), known.OldestBacklogPublishTime);
        Assert.Equal(T0.AddSeconds(-30), idleTopicSaysNothing.OldestBacklogPublishTime);
        Assert.Null(unknown.OldestBacklogPublishTime);
        Assert.False(unknown.BacklogAgeKnown);
        Assert.Null(noBacklog.OldestBacklogPublishTime);
        Assert.True(noBacklog.BacklogAgeKnown);
    }
}
