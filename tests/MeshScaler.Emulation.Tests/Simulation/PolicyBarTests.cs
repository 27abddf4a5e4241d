using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Emulation.Tests.Simulation;

/// <summary>Issue 3's bar on the shipped presets, through the real Engine and Core (in-process stats reader).</summary>
public sealed class PolicyBarTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> BarPresets => new() { WorkloadPresets.Spiky, WorkloadPresets.Daily };

    [Theory]
    [MemberData(nameof(BarPresets))]
    public async Task RunAsync_Preset_CapacityBeatsKedaBacklog(string preset)
    {
        var duration = TimeSpan.FromHours(6);
        var report = await WhatIfRunner.RunAsync(new WhatIfOptions { Workload = WorkloadPresets.Create(preset, 1, duration), Duration = duration })
            .WaitAsync(Timeout);

        var keda = report.Results.Single(r => r.Policy == PolicyIds.KedaBacklog);
        var capacity = report.Results.Single(r => r.Policy == PolicyIds.MeshScalerCapacity);
        var saving = 1 - (capacity.ReplicaSeconds / keda.ReplicaSeconds);
        var cheaperAtEqualLag = saving >= 0.25 && capacity.LagP99 <= keda.LagP99;
        var fasterAtEqualCost = capacity.LagP99 < keda.LagP99 && saving >= 0;
        Assert.True(
            cheaperAtEqualLag || fasterAtEqualCost,
            $"{preset}: capacity {capacity.ReplicaSeconds} replica-s p99 {capacity.LagP99} s vs keda-backlog {keda.ReplicaSeconds} replica-s p99 {keda.LagP99} s");
        Assert.Contains(report.Notes, n => n.StartsWith("Bar (capacity vs keda-backlog)", StringComparison.Ordinal) && n.EndsWith(": met.", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BarPresets))]
    public async Task RunAsync_Preset_PushWakeTenTimesFasterThanKedaPolling(string preset)
    {
        var duration = TimeSpan.FromHours(6);
        var options = new WhatIfOptions { Workload = WorkloadPresets.Create(preset, 1, duration), Duration = duration };
        var report = await WhatIfRunner.RunAsync(options).WaitAsync(Timeout);

        var keda = report.Details.Single(d => d.Policy == PolicyIds.KedaBacklog);
        var push = report.Details.Single(d => d.Policy == PolicyIds.MeshScalerCapacity);

        // The push path is bounded by one wake poll; compare KEDA against that bound, not the step-rounded measurement.
        var pushBound = Math.Max(push.ActivationSeconds!.Value, options.MeshScalerWakePollInterval.TotalSeconds);
        Assert.InRange(push.ActivationSeconds.Value, 0, options.MeshScalerWakePollInterval.TotalSeconds);
        Assert.True(keda.ActivationSeconds >= 10 * pushBound, $"{preset}: keda {keda.ActivationSeconds} s vs push {push.ActivationSeconds} s");
    }

    [Fact]
    public void ModelWorkload_PublishesIncreasingCountersMatchingTheModel()
    {
        var model = new FunctionModel(new FunctionModelOptions { Jitter = 0 }, 1);
        var workload = new ModelWorkload();
        workload.Add("persistent://sim/whatif/f", "sim/whatif/f-fn", model);
        var state = new EmulatedPulsar();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        model.SetReplicas(1, start);

        var seen = new List<(long? In, long? Out)>();
        for (var i = 0; i < 40; i++)
        {
            var now = start.AddSeconds(i);
            model.Step(now, TimeSpan.FromSeconds(1), 150);
            workload.Advance(state, now);
            var snapshot = state.Find(Core.TopicName.TryParse("persistent://sim/whatif/f", out var name, out _) ? name : throw new InvalidOperationException())!;
            seen.Add((snapshot.MsgInCounter, snapshot.Subscriptions.Single().MsgOutCounter));
            Assert.Equal(model.TotalIn, snapshot.MsgInCounter);
            Assert.Equal(model.TotalProcessed, snapshot.Subscriptions.Single().MsgOutCounter);
        }

        Assert.Equal(40 * 150, seen[^1].In);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.Second.In >= p.First.In && p.Second.Out >= p.First.Out));
        Assert.True(seen[^1].Out > seen[0].Out);
    }
}
