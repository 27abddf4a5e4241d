using System.Text.Json;
using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Emulation.Tests.Simulation;

public sealed class WhatIfRunnerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static WhatIfOptions Options(IInflowWorkload workload, TimeSpan duration, int seed = 3) => new()
    {
        Workload = workload,
        Duration = duration,
        Seed = seed,
    };

    [Fact]
    public async Task RunAsync_SameSeedTwice_IdenticalResultsJson()
    {
        var duration = TimeSpan.FromMinutes(40);
        var first = await WhatIfRunner.RunAsync(Options(WorkloadPresets.Create(WorkloadPresets.Spiky, 5, duration), duration)).WaitAsync(Timeout);
        var second = await WhatIfRunner.RunAsync(Options(WorkloadPresets.Create(WorkloadPresets.Spiky, 5, duration), duration)).WaitAsync(Timeout);

        Assert.Equal(ReportWriter.ResultsJson(first.Results), ReportWriter.ResultsJson(second.Results));
        Assert.Equal(ReportWriter.SeriesCsv(first.Series), ReportWriter.SeriesCsv(second.Series));
    }

    [Fact]
    public async Task RunAsync_ResultsJson_HasExactlyTheDocumentedKeysForEveryPolicy()
    {
        var duration = TimeSpan.FromMinutes(10);
        var report = await WhatIfRunner.RunAsync(Options(new ConstantWorkload("flat", 150), duration)).WaitAsync(Timeout);

        using var json = JsonDocument.Parse(ReportWriter.ResultsJson(report.Results));
        var policies = json.RootElement.EnumerateArray().Select(e => e.GetProperty("policy").GetString()!).ToList();
        Assert.Equal(PolicyIds.All, policies);
        foreach (var element in json.RootElement.EnumerateArray())
        {
            Assert.Equal(
                ["policy", "workload", "replicaSeconds", "lagP50", "lagP95", "lagP99", "lagMax", "wakeSeconds", "scaleEvents", "secondsOverSlo", "activationSeconds"],
                element.EnumerateObject().Select(p => p.Name));
            Assert.Equal("flat", element.GetProperty("workload").GetString());
        }
    }

    public static TheoryData<string> ConservationPresets => new() { WorkloadPresets.Step, WorkloadPresets.Spiky, WorkloadPresets.IdleBurst };

    [Theory]
    [MemberData(nameof(ConservationPresets))]
    public async Task RunAsync_EveryPolicy_ConservesMessagesAndMeasuresEveryOne(string preset)
    {
        var duration = TimeSpan.FromMinutes(30);
        var report = await WhatIfRunner.RunAsync(Options(WorkloadPresets.Create(preset, 1, duration), duration)).WaitAsync(Timeout);

        var expectedIn = report.Details[0].MessagesIn;
        Assert.True(expectedIn > 0);
        Assert.Equal(PolicyIds.All, report.Details.Select(d => d.Policy));
        Assert.All(report.Details, d =>
        {
            Assert.Equal(expectedIn, d.MessagesIn);
            Assert.True(d.MessagesIn == d.MessagesProcessed + d.MessagesLeft, $"{d.Policy}: {d.MessagesIn} in, {d.MessagesProcessed} processed, {d.MessagesLeft} left");
            Assert.True(d.LagSamples == d.MessagesIn, $"{d.Policy}: {d.LagSamples} lag samples for {d.MessagesIn} messages");
        });
    }

    [Fact]
    public async Task RunAsync_IdleThenBurst_PushActivatesFasterThanKedaPolling()
    {
        var duration = TimeSpan.FromMinutes(50);
        var report = await WhatIfRunner.RunAsync(Options(new IdleBurstWorkload("idle", TimeSpan.FromSeconds(617), TimeSpan.FromMinutes(3), 300), duration))
            .WaitAsync(Timeout);

        var keda = report.Details.Single(d => d.Policy == PolicyIds.KedaBacklog);
        var push = report.Details.Single(d => d.Policy == PolicyIds.MeshScalerCapacity);
        Assert.True(keda.Wakes >= 2);
        Assert.True(push.Wakes >= 2);

        // An idle pushed target is polled every wake interval (1 s), so the push comes within one; KEDA's poll within its 30 s interval.
        Assert.InRange(push.ActivationSeconds!.Value, 0, 1);
        Assert.True(keda.ActivationSeconds > push.ActivationSeconds);
        var activation = report.Results.Single(r => r.Policy == PolicyIds.KedaBacklog).ActivationSeconds;
        Assert.Equal(keda.ActivationSeconds, activation);
    }

    [Fact]
    public async Task RunAsync_PolicyThatNeverReachesZero_ReportsNoWake()
    {
        // Traffic from the first second: every lane deploys at the start; cpu-hpa never goes to zero.
        var duration = TimeSpan.FromMinutes(15);
        var report = await WhatIfRunner.RunAsync(Options(new ConstantWorkload("flat", 150), duration)).WaitAsync(Timeout);

        var cpu = report.Results.Single(r => r.Policy == PolicyIds.CpuHpa);
        Assert.Null(cpu.WakeSeconds);
        Assert.Null(cpu.ActivationSeconds);
        Assert.Equal(0, report.Details.Single(d => d.Policy == PolicyIds.CpuHpa).Wakes);

        // The KEDA-managed lanes also start at zero with traffic already there: that is the deployment, not a wake.
        var capacity = report.Results.Single(r => r.Policy == PolicyIds.MeshScalerCapacity);
        Assert.Null(capacity.WakeSeconds);
    }

    [Fact]
    public async Task RunAsync_OperatorsHpaOnTheCapacityMetric_NeverBelowOne_FollowsTheNeed()
    {
        // 600 msg/s needs several replicas of the model's per-replica rate; the operator's HPA starts at its minimum (1),
        // reads meshscaler_replicas_needed every sync period, and scales to the need's ceiling; it never goes to zero.
        var duration = TimeSpan.FromMinutes(20);
        var report = await WhatIfRunner.RunAsync(Options(new ConstantWorkload("flat", 600), duration)).WaitAsync(Timeout);

        var hpa = report.Series.Where(p => p.Policy == PolicyIds.MeshScalerHpa).ToList();
        var capacity = report.Series.Where(p => p.Policy == PolicyIds.MeshScalerCapacity && p.Seconds > 600).Select(p => p.Replicas).Max();
        Assert.All(hpa, p => Assert.True(p.Replicas >= 1, $"meshscaler-hpa at {p.Replicas} replicas at {p.Seconds} s"));
        Assert.True(hpa.Max(p => p.Replicas) > 1, "the operator's HPA never scaled up");
        Assert.InRange(hpa.Where(p => p.Seconds > 600).Select(p => p.Replicas).Max(), capacity - 1, capacity + 1);
        Assert.Equal(0, report.Details.Single(d => d.Policy == PolicyIds.MeshScalerHpa).Errors);
    }

    [Fact]
    public async Task RunAsync_SteadyTraffic_KedaBacklogStaysUpOnInFlightMessages()
    {
        // With every message processed within its step, only the in-flight (unacknowledged) messages keep msgBacklog
        // above 0; KEDA's scaler must not scale to zero under live traffic.
        var duration = TimeSpan.FromMinutes(20);
        var report = await WhatIfRunner.RunAsync(Options(new ConstantWorkload("flat", 60), duration)).WaitAsync(Timeout);

        var keda = report.Details.Single(d => d.Policy == PolicyIds.KedaBacklog);
        var series = report.Series.Where(p => p.Policy == PolicyIds.KedaBacklog && p.Seconds > 120).ToList();
        Assert.Equal(0, keda.Wakes);
        Assert.All(series, p => Assert.True(p.Replicas >= 1, $"keda-backlog at 0 replicas at {p.Seconds} s"));
    }

    [Fact]
    public async Task RunAsync_InvalidOptions_ListsEveryProblem()
    {
        var options = new WhatIfOptions
        {
            Workload = new ConstantWorkload("x", 1),
            Duration = TimeSpan.Zero,
            Step = TimeSpan.FromSeconds(7),
            Model = new FunctionModelOptions { PerReplicaRate = 0 },
            CatchUpRatio = 0,
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => WhatIfRunner.RunAsync(options)).WaitAsync(Timeout);

        Assert.Contains("duration must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("HPA sync period (15 s) must be a positive multiple of the step (7 s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("PerReplicaRate", error.Message, StringComparison.Ordinal);
        Assert.Contains("catch-up ratio must be in (0, 100] (was 0)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_IsSelfContainedWithChartsAndTable()
    {
        var duration = TimeSpan.FromMinutes(5);
        var report = await WhatIfRunner.RunAsync(Options(new ConstantWorkload("flat", 50), duration)).WaitAsync(Timeout);

        var html = ReportWriter.Html(report);

        // Inflow, one panel per policy for replicas, backlog and lag, and three zoomed charts when any message waited.
        Assert.Equal(1 + (3 * PolicyIds.All.Count) + (html.Contains("The worst burst", StringComparison.Ordinal) ? 3 : 0), html.Split("<svg").Length - 1);
        Assert.Contains("meshscaler-capacity", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
