using MeshScaler.Core;

namespace MeshScaler.Engine.Tests;

public sealed class RunnerMetricsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TopicName Orders = new("public", "default", "orders");

    /// <summary>A capacity trigger naming Function fm/f, as the host resolves <c>function: f</c> in namespace fm.</summary>
    private static ScaleTarget Target(string runnerMetrics = "auto", string threshold = "10")
    {
        var trigger = TriggerMetadata.Parse(new Dictionary<string, string>
        {
            ["function"] = "f",
            ["topic"] = Orders.FullName,
            ["scalingMode"] = "capacity",
            ["runnerMetrics"] = runnerMetrics,
            ["msgBacklogThreshold"] = threshold,
        }).Function!;
        return trigger.Resolve(new FunctionFacts(trigger.In("fm"), "public/default/f", null, "sub", new Uri("http://pulsar:8080")));
    }

    /// <summary>Saturated pods: 3 consumers with a backlog; the subscription says 100 msg/s each, the pods process 150.</summary>
    private static async Task<ScalingSignal> SaturatedRoundsAsync(StoreFixture f, ScaleTarget target, int rounds = 2)
    {
        f.Admin.Set(Orders, rateIn: 400, backlog: 6000, rateOut: 300, consumers: 3);
        f.Runners.SetPods(3);
        var signal = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        for (var i = 0; i < rounds; i++)
        {
            f.Runners.Process(150 * f.Options.PollInterval.TotalSeconds);
            await f.PollAsync();
            signal = await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        }

        return signal;
    }

    [Fact]
    public async Task CapacityMode_RunnerMetrics_MeasuredRateReplacesTheInference()
    {
        using var f = new StoreFixture();

        var signal = await SaturatedRoundsAsync(f, Target());

        Assert.Equal(150, signal.PerReplicaRate);
    }

    [Fact]
    public async Task CapacityMode_RunnerMetricsOff_InfersFromTheSubscription()
    {
        using var f = new StoreFixture();

        var signal = await SaturatedRoundsAsync(f, Target("false"));

        Assert.Equal(100, signal.PerReplicaRate);
        Assert.Equal(0, f.Runners.Scrapes);
    }

    [Fact]
    public async Task Runner_OneRoundPerInterval_HoweverManyTargetsAsk()
    {
        using var f = new StoreFixture();
        var targets = Enumerable.Range(1, 10).Select(i => Target(threshold: $"{i}")).ToList();
        f.Admin.Set(Orders, rateIn: 400, backlog: 6000, rateOut: 300, consumers: 3);
        f.Runners.SetPods(3);

        for (var round = 0; round < 3; round++)
        {
            foreach (var target in targets)
            {
                await f.Store.GetAsync(target, default).WaitAsync(Timeout);
            }

            await f.PollAsync();
        }

        // One scrape per pod per round: the cold first round, then one per poll.
        Assert.Equal(3 * 4, f.Runners.Scrapes);
    }

    [Fact]
    public async Task Runner_VanishedPod_IsDroppedAndAFailedPodNeverCountsAsZero()
    {
        using var f = new StoreFixture();
        var target = Target();
        await SaturatedRoundsAsync(f, target, rounds: 1);

        f.Runners.SetPods(2);
        f.Runners.Fail("f-function-1", "did not answer within 3 s");
        f.Runners.Process(150 * f.Options.PollInterval.TotalSeconds);
        await f.PollAsync();

        var round = f.Store.RunnerObservations.Single().Observation;
        Assert.Equal(["f-function-0", "f-function-1"], round.Pods.Select(p => p.Pod));
        Assert.Equal("runner pod f-function-1 did not answer within 3 s", round.Pods[1].Error);
        Assert.Null(round.ProcessedPerSecond);
        Assert.Equal(150, round.PerReplicaRate);
    }

    [Fact]
    public async Task Runner_EveryPodFailing_AutoFallsBackAndRequiredFails()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 400, backlog: 6000, rateOut: 300, consumers: 3);
        f.Runners.SetPods(1);
        f.Runners.Fail("f-function-0", "answered HTTP 500 on http://10.0.0.1:9094/metrics");

        var auto = await f.Store.GetAsync(Target(), default).WaitAsync(Timeout);
        Assert.True(auto.DesiredReplicas > 0);

        var error = await Assert.ThrowsAsync<ScalingException>(() => f.Store.GetAsync(Target("true"), default).WaitAsync(Timeout));
        Assert.Equal(ScalingErrorKind.Unavailable, error.Kind);
        Assert.Equal("runner pod f-function-0 answered HTTP 500 on http://10.0.0.1:9094/metrics", error.Message);
    }

    [Fact]
    public async Task Runner_CounterReset_MeasuresNothingThatRound()
    {
        using var f = new StoreFixture();
        var target = Target();
        await SaturatedRoundsAsync(f, target, rounds: 1);

        // Pod 0 restarted: its counter is back near zero.
        f.Runners.SetPods(3);
        f.Runners.Process(-150 * f.Options.PollInterval.TotalSeconds);
        await f.PollAsync();

        var round = f.Store.RunnerObservations.Single().Observation;
        Assert.True(round.CounterReset);
        Assert.Null(round.PerReplicaRate);
    }

    [Fact]
    public async Task Metrics_RunnerSeries_PerFunctionAndUnknownRatesLeftOut()
    {
        using var f = new StoreFixture();
        var target = Target();
        await SaturatedRoundsAsync(f, target);

        var scrape = await f.ScrapeAsync();
        const string Labels = "{namespace=\"fm\",kind=\"Function\",function=\"f\"}";
        Assert.Contains($"meshscaler_runner_pods{Labels} 3", scrape, StringComparison.Ordinal);
        Assert.Contains($"meshscaler_runner_pods_failed{Labels} 0", scrape, StringComparison.Ordinal);
        Assert.Contains($"meshscaler_runner_processed_rate{Labels} 450", scrape, StringComparison.Ordinal);
        Assert.Contains($"meshscaler_runner_per_replica_rate{Labels} 150", scrape, StringComparison.Ordinal);
        Assert.Contains($"meshscaler_runner_process_latency_ms{Labels} 5", scrape, StringComparison.Ordinal);

        f.Runners.Process(-150 * f.Options.PollInterval.TotalSeconds * 2);
        await f.PollAsync();
        scrape = await f.ScrapeAsync();
        Assert.Contains($"meshscaler_runner_counter_resets_total{Labels} 1", scrape, StringComparison.Ordinal);
        Assert.DoesNotContain("meshscaler_runner_per_replica_rate{", scrape, StringComparison.Ordinal);

        // Counted once per round, however often /metrics is scraped.
        scrape = await f.ScrapeAsync();
        Assert.Contains($"meshscaler_runner_counter_resets_total{Labels} 1", scrape, StringComparison.Ordinal);
    }
}
