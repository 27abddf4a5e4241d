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
                ["policy", "workload", "replicaSeconds", "lagP50", "lagP95", "lagP99", "lagMax", "wakeSeconds", "scaleEvents", "secondsOverSlo"],
                element.EnumerateObject().Select(p => p.Name));
            Assert.Equal("flat", element.GetProperty("workload").GetString());
        }
    }

    [Fact]
    public async Task RunAsync_EveryPolicy_ConservesMessages()
    {
        var duration = TimeSpan.FromMinutes(30);
        var report = await WhatIfRunner.RunAsync(Options(WorkloadPresets.Create(WorkloadPresets.Step, 1, duration), duration)).WaitAsync(Timeout);

        var expectedIn = report.Details[0].MessagesIn;
        Assert.True(expectedIn > 0);
        Assert.All(report.Details, d => Assert.Equal(expectedIn, d.MessagesIn));
        var last = report.Series.GroupBy(p => p.Policy).Select(g => g.Last()).ToList();
        Assert.Equal(4, last.Count);
    }

    [Fact]
    public async Task RunAsync_IdleThenBurst_PushWakesFasterThanKedaPolling()
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
        Assert.Null(report.Results.Single(r => r.Policy == PolicyIds.CpuHpa).WakeSeconds);
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
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => WhatIfRunner.RunAsync(options)).WaitAsync(Timeout);

        Assert.Contains("duration must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("HPA sync period (15 s) must be a positive multiple of the step (7 s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("PerReplicaRate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_IsSelfContainedWithChartsAndTable()
    {
        var duration = TimeSpan.FromMinutes(5);
        var report = await WhatIfRunner.RunAsync(Options(new ConstantWorkload("flat", 50), duration)).WaitAsync(Timeout);

        var html = ReportWriter.Html(report);

        Assert.Equal(4, html.Split("<svg").Length - 1);
        Assert.Contains("meshscaler-capacity", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
