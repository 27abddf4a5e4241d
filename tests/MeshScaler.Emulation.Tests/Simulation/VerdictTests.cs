using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Emulation.Tests.Simulation;

public sealed class VerdictTests
{
    private static PolicyResult Result(string policy, double replicaSeconds, double? p99, double overSlo = 0) =>
        new(policy, "w", replicaSeconds, 0, p99, p99, p99, null, 0, overSlo, null);

    [Fact]
    public void For_CheapestWithinTheSlo_IsRecommended_AndEveryPolicyIsComparedWithKeda()
    {
        var verdict = Verdict.For(
            [
                Result(PolicyIds.KedaBacklog, 200_000, 40),
                Result(PolicyIds.CpuHpa, 90_000, 150, overSlo: 2000),
                Result(PolicyIds.MeshScalerBacklog, 198_000, 30),
                Result(PolicyIds.MeshScalerCapacity, 120_000, 20),
            ],
            TimeSpan.FromSeconds(30));

        Assert.True(verdict.MeetsSlo);
        Assert.Equal(PolicyIds.MeshScalerCapacity, verdict.Recommended.Policy);
        var capacity = verdict.Rows.Single(r => r.Policy == PolicyIds.MeshScalerCapacity);
        Assert.Equal(-0.4, capacity.ReplicaSecondsVsKeda!.Value, 9);
        Assert.Equal(-0.5, capacity.LagP99VsKeda!.Value, 9);
        Assert.Equal(0, verdict.Rows.Single(r => r.Policy == PolicyIds.KedaBacklog).ReplicaSecondsVsKeda);
    }

    [Fact]
    public void For_NoPolicyWithinTheSlo_RecommendsTheFewestSecondsOverIt()
    {
        var verdict = Verdict.For(
            [Result(PolicyIds.KedaBacklog, 100, 50, overSlo: 400), Result(PolicyIds.MeshScalerCapacity, 300, 45, overSlo: 350)],
            TimeSpan.FromSeconds(30));

        Assert.False(verdict.MeetsSlo);
        Assert.Equal(PolicyIds.MeshScalerCapacity, verdict.Recommended.Policy);
    }

    [Fact]
    public void For_KedaWithoutLag_LeavesTheLagComparisonOut()
    {
        var verdict = Verdict.For([Result(PolicyIds.KedaBacklog, 100, 0), Result(PolicyIds.MeshScalerCapacity, 50, 2)], TimeSpan.FromSeconds(30));

        Assert.Null(verdict.Rows.Single(r => r.Policy == PolicyIds.MeshScalerCapacity).LagP99VsKeda);
        Assert.Equal(PolicyIds.MeshScalerCapacity, verdict.Recommended.Policy);
    }
}
