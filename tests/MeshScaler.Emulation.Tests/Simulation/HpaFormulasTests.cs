using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Emulation.Tests.Simulation;

public sealed class HpaFormulasTests
{
    public static TheoryData<string, double, double, int, int> AverageValueCases => new()
    {
        // name, value, target, current, expected
        { "backlog 5000 / threshold 1000 from 2 replicas", 5000, 1000, 2, 5 },
        { "ratio 1.08 stays within tolerance", 2160, 1000, 2, 2 },
        { "ratio 0.91 stays within tolerance", 1820, 1000, 2, 2 },
        { "ratio 0.88 is outside tolerance: scales down from 10 to ceil(8800 / 1000) = 9", 8800, 1000, 10, 9 },
        { "ratio 0.92 is within tolerance: stays at 10", 9200, 1000, 10, 10 },
        { "ratio 0.5 scales down", 1000, 1000, 2, 1 },
        { "capacity metric 7 replicas with target 1", 7, 1, 3, 7 },
        { "zero value proposes zero", 0, 1000, 3, 0 },
        { "no replicas: ceil(value / target)", 2500, 1000, 0, 3 },
    };

    [Theory]
    [MemberData(nameof(AverageValueCases))]
    public void AverageValue_HandComputedCases(string name, double value, double target, int current, int expected)
    {
        Assert.True(expected == HpaFormulas.AverageValue(value, target, current), name);
    }

    public static TheoryData<string, double, double, int, int, int> ValueCases => new()
    {
        // name, value, target, current, ready, expected
        { "ratio 2 doubles the ready pods", 200, 100, 3, 3, 6 },
        { "ratio 1.05 keeps current", 105, 100, 3, 3, 3 },
        { "ratio 0.5 over 3 ready pods", 50, 100, 4, 3, 2 },
        { "no replicas: ceil(ratio)", 250, 100, 0, 0, 3 },
    };

    [Theory]
    [MemberData(nameof(ValueCases))]
    public void Value_HandComputedCases(string name, double value, double target, int current, int ready, int expected)
    {
        Assert.True(expected == HpaFormulas.Value(value, target, current, ready), name);
    }

    public static TheoryData<string, double, int, int, int> UtilizationCases => new()
    {
        // name, utilization (target 0.8), current, ready, expected
        { "100 % on 4 ready pods: ceil(1.25 x 4)", 1.0, 4, 4, 5 },
        { "85 % is within tolerance of 80 %", 0.85, 4, 4, 4 },
        { "40 % halves", 0.4, 4, 4, 2 },
        { "unready pods count as 0 on scale-up: 100 % x 2 / (0.8 x 4) = 0.625 keeps current", 1.0, 4, 2, 4 },
        { "unready pods on scale-up still above: 100 % x 9 / (0.8 x 10) = 1.125 -> ceil(11.25)", 1.0, 10, 9, 12 },
        { "no ready pod keeps current", 0, 3, 0, 3 },
    };

    [Theory]
    [MemberData(nameof(UtilizationCases))]
    public void Utilization_HandComputedCases(string name, double utilization, int current, int ready, int expected)
    {
        Assert.True(expected == HpaFormulas.Utilization(utilization, 0.8, current, ready), name);
    }
}
