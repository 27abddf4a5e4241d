using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Emulation.Tests.Simulation;

/// <summary>
/// Issue 3's bar on the shipped presets (6 h, seed 1, the what-if defaults), through the real Engine and Core (in-process
/// stats reader), and the spiky seeds that once missed it. Each preset and seed runs once per test class.
/// </summary>
public sealed class PolicyBarTests(PolicyBarTests.Runs runs) : IClassFixture<PolicyBarTests.Runs>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Duration = TimeSpan.FromHours(6);

    public static TheoryData<string> AllPresets => new() { WorkloadPresets.Constant, WorkloadPresets.Step, WorkloadPresets.Daily, WorkloadPresets.Spiky, WorkloadPresets.IdleBurst };

    // The bar names spiky and daily; the other presets are held to it too.
    [Theory]
    [MemberData(nameof(AllPresets))]
    public async Task RunAsync_Preset_CapacityBeatsKedaBacklog(string preset)
    {
        var report = await runs.GetAsync(preset);

        var keda = report.Results.Single(r => r.Policy == PolicyIds.KedaBacklog);
        var capacity = report.Results.Single(r => r.Policy == PolicyIds.MeshScalerCapacity);

        // As stated: >= 25 % fewer replica-seconds at equal or lower p99 lag, or lower p99 lag at equal or lower cost.
        var saving = 1 - (capacity.ReplicaSeconds / keda.ReplicaSeconds);
        var cheaperAtEqualLag = saving >= 0.25 && capacity.LagP99 <= keda.LagP99;
        var fasterAtEqualCost = capacity.LagP99 < keda.LagP99 && capacity.ReplicaSeconds <= keda.ReplicaSeconds;
        Assert.True(
            cheaperAtEqualLag || fasterAtEqualCost,
            $"{preset}: capacity {capacity.ReplicaSeconds} replica-s p99 {capacity.LagP99} s vs keda-backlog {keda.ReplicaSeconds} replica-s p99 {keda.LagP99} s ({saving:P1} saving)");
        Assert.Equal(cheaperAtEqualLag || fasterAtEqualCost, Bar.IsMet(keda, capacity));
        Assert.Contains(report.Notes, n => n.StartsWith("Bar (capacity vs keda-backlog)", StringComparison.Ordinal) && n.EndsWith(": met.", StringComparison.Ordinal));
    }

    /// <summary>
    /// The two spiky seeds that missed by one and two seconds of p99 until capacity mode drained an ended burst's late
    /// tail within targetDrainSeconds: a short burst ends before its replicas are up (benchmarks/whatif-bar.sh runs all 20).
    /// </summary>
    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public async Task RunAsync_SpikySeedsWhoseBurstsEndBeforeTheirReplicasAreUp_MeetTheBar(int seed)
    {
        var report = await runs.GetAsync(WorkloadPresets.Spiky, seed);

        var keda = report.Results.Single(r => r.Policy == PolicyIds.KedaBacklog);
        var capacity = report.Results.Single(r => r.Policy == PolicyIds.MeshScalerCapacity);

        Assert.True(
            capacity.LagP99 <= keda.LagP99 && capacity.ReplicaSeconds <= 0.75 * keda.ReplicaSeconds,
            $"spiky seed {seed}: capacity {capacity.ReplicaSeconds} replica-s p99 {capacity.LagP99} s vs keda-backlog {keda.ReplicaSeconds} replica-s p99 {keda.LagP99} s");
    }

    [Theory]
    [MemberData(nameof(AllPresets))]
    public async Task RunAsync_AnyPreset_ReportsTheBarVerdictItMeasured(string preset)
    {
        var report = await runs.GetAsync(preset);

        var keda = report.Results.Single(r => r.Policy == PolicyIds.KedaBacklog);
        var capacity = report.Results.Single(r => r.Policy == PolicyIds.MeshScalerCapacity);
        var verdict = Bar.IsMet(keda, capacity) ? ": met." : ": not met.";

        Assert.Contains(report.Notes, n => n.StartsWith("Bar (capacity vs keda-backlog)", StringComparison.Ordinal) && n.EndsWith(verdict, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_IdleBurst_PushActivatesTenTimesFasterThanKedaPolling()
    {
        var report = await runs.GetAsync(WorkloadPresets.IdleBurst);

        var keda = report.Details.Single(d => d.Policy == PolicyIds.KedaBacklog);
        var push = report.Details.Single(d => d.Policy == PolicyIds.MeshScalerCapacity);
        var kedaActivation = report.Results.Single(r => r.Policy == PolicyIds.KedaBacklog).ActivationSeconds;
        var pushActivation = report.Results.Single(r => r.Policy == PolicyIds.MeshScalerCapacity).ActivationSeconds;

        // Real wakes: every burst after the first idle period (the start of the run is no wake).
        var bursts = (int)(Duration.TotalSeconds / (WorkloadPresets.IdleBurstIdle + TimeSpan.FromMinutes(3)).TotalSeconds);
        Assert.InRange(keda.Wakes, bursts - 1, bursts + 1);
        Assert.InRange(push.Wakes, bursts - 1, bursts + 1);
        Assert.NotNull(kedaActivation);
        Assert.NotNull(pushActivation);

        // Activation is measured in 1 s steps, so a push within the step reads 0: compare KEDA against one step.
        var pushBound = Math.Max(pushActivation.Value, 1);
        Assert.InRange(pushActivation.Value, 0, 1);
        Assert.True(kedaActivation >= 10 * pushBound, $"keda-backlog {kedaActivation} s vs push {pushActivation} s");
    }

    [Fact]
    public void ModelWorkload_PublishesIncreasingCountersAndInFlightMatchingTheModel()
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
            var subscription = snapshot.Subscriptions.Single();
            seen.Add((snapshot.MsgInCounter, subscription.MsgOutCounter));
            Assert.Equal(model.TotalIn, snapshot.MsgInCounter);
            Assert.Equal(model.TotalProcessed, subscription.MsgOutCounter);
            Assert.Equal(model.InFlight, subscription.UnackedMessages);
            Assert.Equal(model.Backlog + model.InFlight, subscription.Backlog.Sum());
        }

        Assert.Equal(40 * 150, seen[^1].In);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.Second.In >= p.First.In && p.Second.Out >= p.First.Out));
        Assert.True(seen[^1].Out > seen[0].Out);
    }

    /// <summary>One 6 h run per preset, shared by the tests of the class.</summary>
    public sealed class Runs
    {
        private readonly Dictionary<string, Task<WhatIfReport>> _runs = new(StringComparer.Ordinal);

        public Task<WhatIfReport> GetAsync(string preset, int seed = 1)
        {
            lock (_runs)
            {
                var key = $"{preset}/{seed}";
                if (!_runs.TryGetValue(key, out var run))
                {
                    run = WhatIfRunner.RunAsync(new WhatIfOptions { Workload = WorkloadPresets.Create(preset, seed, Duration), Duration = Duration, Seed = seed });
                    _runs[key] = run;
                }

                return run.WaitAsync(Timeout);
            }
        }
    }
}
