using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Emulation.Tests.Simulation;

public sealed class ControllerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => Start.AddSeconds(seconds);

    [Fact]
    public void Hpa_DefaultBehavior_ScaleUpLimitedToMaxOf4PodsAnd100PercentPer15s()
    {
        var hpa = new HpaController(new HpaSettings { MaxReplicas = 100 });

        // From 1: max(1 + 4, 2 x 1) = 5; from 5: max(9, 10) = 10; from 10: 20.
        Assert.Equal(5, hpa.Decide(At(0), 1, 40));
        Assert.Equal(10, hpa.Decide(At(15), 5, 40));
        Assert.Equal(20, hpa.Decide(At(30), 10, 40));
        Assert.Equal(40, hpa.Decide(At(45), 20, 40));
    }

    [Fact]
    public void Hpa_TwoSyncsWithinOnePeriod_CountTheFirstChange()
    {
        var hpa = new HpaController(new HpaSettings { MaxReplicas = 100, SyncPeriod = TimeSpan.FromSeconds(5) });

        Assert.Equal(5, hpa.Decide(At(0), 1, 40));

        // 10 s later the 15 s period started at 1 replica: the limit is still 5.
        Assert.Equal(5, hpa.Decide(At(10), 5, 40));
    }

    [Fact]
    public void Hpa_DefaultBehavior_ScaleDownWaitsFor300sStabilization()
    {
        var hpa = new HpaController(new HpaSettings());
        Assert.Equal(10, hpa.Decide(At(0), 10, 10));

        for (var t = 15; t < 300; t += 15)
        {
            Assert.Equal(10, hpa.Decide(At(t), 10, 2));
        }

        // The recommendation of 10 made at 0 has left the window (kubernetes keeps only those strictly after the cutoff).
        Assert.Equal(2, hpa.Decide(At(300), 10, 2));
    }

    [Fact]
    public void Hpa_ClampsToMinAndMaxAndIgnoresZeroReplicas()
    {
        var hpa = new HpaController(new HpaSettings { MinReplicas = 2, MaxReplicas = 6, Behavior = new HpaBehavior(
            new HpaScalingRules(TimeSpan.Zero, [new(HpaPolicyType.Percent, 1000, TimeSpan.FromSeconds(15))]),
            new HpaScalingRules(TimeSpan.Zero, [new(HpaPolicyType.Percent, 100, TimeSpan.FromSeconds(15))])) });

        Assert.Equal(6, hpa.Decide(At(0), 3, 50));
        Assert.Equal(2, hpa.Decide(At(15), 6, 0));
        Assert.Equal(0, hpa.Decide(At(30), 0, 5));
    }

    [Fact]
    public void Hpa_GivenBehavior_PodsPolicyLimitsScaleDown()
    {
        var hpa = new HpaController(new HpaSettings { Behavior = new HpaBehavior(
            HpaBehavior.Default.ScaleUp,
            new HpaScalingRules(TimeSpan.Zero, [new(HpaPolicyType.Pods, 2, TimeSpan.FromSeconds(60))])) });

        Assert.Equal(8, hpa.Decide(At(0), 10, 1));
        Assert.Equal(8, hpa.Decide(At(15), 8, 1));
        Assert.Equal(6, hpa.Decide(At(61), 8, 1));
    }

    [Fact]
    public void Keda_ActivePollAtZero_ActivatesToOne()
    {
        var keda = new KedaController(new KedaSettings(), Start);

        Assert.Equal(1, keda.OnPoll(At(30), active: true, currentReplicas: 0));
        Assert.Null(keda.OnPoll(At(60), active: true, currentReplicas: 3));
    }

    [Fact]
    public void Keda_InactivePolls_ScaleToZeroOnlyAfterCooldown()
    {
        var keda = new KedaController(new KedaSettings(), Start);
        Assert.Null(keda.OnPoll(At(0), active: true, currentReplicas: 2));

        Assert.Null(keda.OnPoll(At(30), active: false, currentReplicas: 2));
        Assert.Null(keda.OnPoll(At(300), active: false, currentReplicas: 2));

        // lastActiveTime 0 + cooldown 300 < 330.
        Assert.Equal(0, keda.OnPoll(At(330), active: false, currentReplicas: 2));
    }

    [Fact]
    public void Keda_PushTrue_ActivatesAndRestartsCooldown_FalseIgnored()
    {
        var keda = new KedaController(new KedaSettings { Push = true }, Start);

        Assert.Equal(1, keda.OnPush(At(7), active: true, currentReplicas: 0));
        Assert.Null(keda.OnPush(At(120), active: true, currentReplicas: 1));
        Assert.Null(keda.OnPush(At(200), active: false, currentReplicas: 1));
        Assert.Null(keda.OnPoll(At(390), active: false, currentReplicas: 1));
        Assert.Equal(0, keda.OnPoll(At(450), active: false, currentReplicas: 1));
    }

    [Fact]
    public void Keda_PushDisabled_IgnoresPushes()
    {
        var keda = new KedaController(new KedaSettings(), Start);

        Assert.Null(keda.OnPush(At(7), active: true, currentReplicas: 0));
    }

    [Fact]
    public void Keda_MinReplicaCountAboveZero_NeverScalesToZero()
    {
        var keda = new KedaController(new KedaSettings { MinReplicaCount = 2 }, Start);

        Assert.Equal(2, keda.OnPoll(At(0), active: true, currentReplicas: 0));
        Assert.Null(keda.OnPoll(At(1000), active: false, currentReplicas: 2));
    }

    public static TheoryData<string, double, double, int?> InitialCooldownCases => new()
    {
        // name, initialCooldownPeriod (s), poll at (s), expected
        { "no activity, initialCooldownPeriod 0: to zero at the first inactive poll after creation", 0, 30, 0 },
        { "no activity: the cooldownPeriod does not apply before activity", 0, 200, 0 },
        { "initialCooldownPeriod 120 s not yet passed", 120, 90, null },
        { "initialCooldownPeriod 120 s passed", 120, 150, 0 },
    };

    [Theory]
    [MemberData(nameof(InitialCooldownCases))]
    public void Keda_BeforeAnyActivity_UsesCreationPlusInitialCooldown(string name, double initialCooldown, double pollAt, int? expected)
    {
        var keda = new KedaController(new KedaSettings { InitialCooldownPeriod = TimeSpan.FromSeconds(initialCooldown) }, Start);

        Assert.True(expected == keda.OnPoll(At(pollAt), active: false, currentReplicas: 2), name);
    }

    [Fact]
    public void Hpa_KedaActivationFromZero_IsNotCountedInTheScaleUpLimit()
    {
        // KEDA writes 0 -> 1 at 0; the HPA did not make that change, so its period starts at 1 replica: max(1 + 4, 2) = 5.
        var hpa = new HpaController(new HpaSettings { MaxReplicas = 100 });

        Assert.Equal(5, hpa.Decide(At(5), 1, 40));
    }

    public static TheoryData<string, double, double, double, bool> PhaseCases => new()
    {
        // name, elapsed, period, phase, due
        { "before the phase", 3, 30, 7, false },
        { "at the phase", 7, 30, 7, true },
        { "one period after the phase", 37, 30, 7, true },
        { "a multiple of the period but not of the phase", 30, 30, 7, false },
    };

    [Theory]
    [MemberData(nameof(PhaseCases))]
    public void ControllerPhases_IsDue_FiresAtPhasePlusMultiplesOfThePeriod(string name, double elapsed, double period, double phase, bool due)
    {
        Assert.True(
            due == ControllerPhases.IsDue(TimeSpan.FromSeconds(elapsed), TimeSpan.FromSeconds(period), TimeSpan.FromSeconds(phase)), name);
    }

    [Fact]
    public void ControllerPhases_Draw_IsWithinThePeriodAndDependsOnTheSeed()
    {
        var draws = Enumerable.Range(0, 50)
            .Select(seed => ControllerPhases.Draw(seed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15)))
            .ToList();

        Assert.All(draws, d => Assert.InRange(d.KedaPolling.TotalSeconds, 0, 29));
        Assert.All(draws, d => Assert.InRange(d.HpaSync.TotalSeconds, 0, 14));
        Assert.True(draws.Select(d => d.KedaPolling).Distinct().Count() > 5);
        Assert.Equal(draws[3], ControllerPhases.Draw(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15)));
    }
}
