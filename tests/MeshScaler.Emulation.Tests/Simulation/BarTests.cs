using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Emulation.Tests.Simulation;

public sealed class BarTests
{
    private static PolicyResult Result(string policy, double replicaSeconds, double? p99) =>
        new(policy, "w", replicaSeconds, 0, 0, p99, p99, null, 0, 0, null);

    public static TheoryData<string, double, double?, double, double?, bool> Cases => new()
    {
        // name, keda replica-s, keda p99, capacity replica-s, capacity p99, met
        { "exactly 25 % cheaper at equal p99", 100, 40, 75, 40, true },
        { "24.9 % cheaper at equal p99", 100, 40, 75.1, 40, false },
        { "25 % cheaper but 1 s slower", 100, 40, 75, 41, false },
        { "faster at equal cost", 100, 40, 100, 39, true },
        { "faster but 1 % dearer", 100, 40, 101, 39, false },
        { "no p99 for capacity", 100, 40, 50, null, false },
        { "no p99 for keda", 100, null, 50, 10, false },
        { "keda cost nothing", 0, 40, 0, 10, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsMet_FollowsTheIssuesBar(string name, double kedaCost, double? kedaP99, double capacityCost, double? capacityP99, bool met)
    {
        Assert.True(met == Bar.IsMet(Result("keda", kedaCost, kedaP99), Result("capacity", capacityCost, capacityP99)), name);
    }

    [Fact]
    public void Saving_IsTheFractionOfKedasCostSaved()
    {
        Assert.Equal(0.25, Bar.Saving(Result("keda", 200, 1), Result("capacity", 150, 1)), 9);
        Assert.Equal(-0.5, Bar.Saving(Result("keda", 200, 1), Result("capacity", 300, 1)), 9);
    }
}
