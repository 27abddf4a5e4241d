using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Emulation.Tests.Simulation;

public sealed class WorkloadTests
{
    private static readonly TimeSpan SixHours = TimeSpan.FromHours(6);

    [Fact]
    public void Presets_AllNamesCreate()
    {
        foreach (var (name, _) in WorkloadPresets.All)
        {
            var workload = WorkloadPresets.Create(name, 1, SixHours);
            Assert.Equal(name, workload.Name);
            Assert.All(Enumerable.Range(0, 6 * 3600).Where(s => s % 61 == 0), s => Assert.True(workload.RateAt(s) >= 0));
        }
    }

    [Fact]
    public void Create_UnknownName_NamesTheKnownPresets()
    {
        var error = Assert.Throws<ArgumentException>(() => WorkloadPresets.Create("bursty", 1, SixHours));

        Assert.Contains("\"bursty\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("idle-burst", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constant_IsFlat() =>
        Assert.Equal([300.0, 300.0], [WorkloadPresets.Create(WorkloadPresets.Constant, 1, SixHours).RateAt(0), WorkloadPresets.Create(WorkloadPresets.Constant, 1, SixHours).RateAt(9999)]);

    [Fact]
    public void Step_ChangesAtThirdsOfTheRun()
    {
        var step = WorkloadPresets.Create(WorkloadPresets.Step, 1, SixHours);

        Assert.Equal(100, step.RateAt(7199));
        Assert.Equal(600, step.RateAt(7200));
        Assert.Equal(600, step.RateAt(14399));
        Assert.Equal(100, step.RateAt(14400));
    }

    [Fact]
    public void Daily_TroughAtStartPeakAtMidPeriod()
    {
        var daily = WorkloadPresets.Create(WorkloadPresets.Daily, 1, SixHours);

        Assert.InRange(daily.RateAt(0), 45, 55);
        Assert.InRange(daily.RateAt(3 * 3600), 540, 660);
    }

    [Fact]
    public void Spiky_SameSeedSameBursts_OtherSeedOtherBursts()
    {
        var a = (SpikyWorkload)WorkloadPresets.Create(WorkloadPresets.Spiky, 1, SixHours);
        var b = (SpikyWorkload)WorkloadPresets.Create(WorkloadPresets.Spiky, 1, SixHours);
        var c = (SpikyWorkload)WorkloadPresets.Create(WorkloadPresets.Spiky, 2, SixHours);

        Assert.Equal(a.Bursts, b.Bursts);
        Assert.NotEqual(a.Bursts, c.Bursts);
        Assert.InRange(a.Bursts.Count, 10, 40);
        Assert.All(a.Bursts, burst => Assert.InRange(burst.Height, 300, 1500));
        Assert.Equal(80, a.RateAt(a.Bursts[0].Start - 1));
        Assert.Equal(80 + a.Bursts[0].Height, a.RateAt(a.Bursts[0].Start + 1), 9);
    }

    [Fact]
    public void IdleBurst_IdleThenBurstRepeated()
    {
        var idle = WorkloadPresets.Create(WorkloadPresets.IdleBurst, 1, SixHours);

        // Idle 20 min 17 s (1217 s, not a multiple of 15 or 30 s), then 3 min at 500 msg/s.
        Assert.Equal(0, idle.RateAt(0));
        Assert.Equal(0, idle.RateAt(1216));
        Assert.Equal(500, idle.RateAt(1217));
        Assert.Equal(500, idle.RateAt(1396));
        Assert.Equal(0, idle.RateAt(1397));
        Assert.Equal(500, idle.RateAt(1397 + 1217));
    }

    [Fact]
    public void Trace_WithHeaderAndComments_HoldsEachRateUntilTheNextRow()
    {
        var trace = TraceWorkload.Parse("t.csv", new StringReader("seconds,msgPerSecond\n# warm-up\n10,5\n\n20,7.5\n"));

        Assert.Equal([0, 5, 5, 7.5, 7.5], new[] { 9.9, 10, 19, 20, 1e6 }.Select(trace.RateAt));
    }

    [Fact]
    public void Trace_WithoutHeader_Parses() =>
        Assert.Equal(3, TraceWorkload.Parse("t.csv", new StringReader("0,3\n")).RateAt(0));

    public static TheoryData<string, string, string[]> BadTraces => new()
    {
        { "not a number", "seconds,msgPerSecond\n0,10\n5,abc\n", ["line 3: msgPerSecond \"abc\" is not a number"] },
        { "decreasing seconds", "0,10\n5,10\n4,10\n", ["line 3: seconds 4 is not after the previous row's 5"] },
        { "negative rate and seconds", "-1,10\n2,-3\n", ["line 1: seconds -1 is negative", "line 2: msgPerSecond -3 is negative"] },
        { "wrong field count", "0,10,3\n", ["line 1: expected 2 fields"] },
        { "header after data", "0,10\nseconds,rate\n", ["line 2: seconds \"seconds\" is not a number"] },
        { "empty", "seconds,msgPerSecond\n", ["no data rows"] },
    };

    [Theory]
    [MemberData(nameof(BadTraces))]
    public void Trace_BadInput_NamesEveryBadLine(string name, string csv, string[] expected)
    {
        var error = Assert.Throws<FormatException>(() => TraceWorkload.Parse("bad.csv", new StringReader(csv)));

        Assert.StartsWith("trace bad.csv: ", error.Message, StringComparison.Ordinal);
        Assert.All(expected, e => Assert.True(error.Message.Contains(e, StringComparison.Ordinal), $"{name}: {error.Message}"));
    }

    public static TheoryData<string, string, double?> TraceLengths => new()
    {
        // name, csv, expected length (s)
        { "evenly spaced: last start plus one interval", "0,5\n60,7\n120,9\n", 180 },
        { "uneven: the last interval repeats", "0,5\n10,7\n40,9\n", 70 },
        { "one row has no length", "0,5\n", null },
    };

    [Theory]
    [MemberData(nameof(TraceLengths))]
    public void TraceLengthOf_UsesTheLastRowsSpacing(string name, string csv, double? expected)
    {
        var length = TraceWorkload.LengthOf(TraceWorkload.Parse("t.csv", new StringReader(csv)));

        Assert.True(expected == length?.TotalSeconds, $"{name}: {length}");
    }

    [Fact]
    public void TraceLoad_MissingFile_SaysSo()
    {
        var error = Assert.Throws<FormatException>(() => TraceWorkload.Load(Path.Combine(Path.GetTempPath(), "no-such-trace-8d1f.csv")));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }
}
