using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class RunnerRateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private static RunnerSample At(double seconds, double? processed, double? received = 0, double? sum = 0, double? count = 0, string pod = "f-function-0", string instance = "0") =>
        new(pod, instance, received, processed, 0, 0, sum, count, T0.AddSeconds(seconds));

    [Fact]
    public void Between_TwoScrapes_RatesAndIntervalMeanLatency()
    {
        var rate = RunnerRate.Between(At(0, 1000, 1010, 2000, 1000), At(10, 1500, 1520, 3500, 1500))!;

        Assert.Equal(50, rate.ProcessedPerSecond);
        Assert.Equal(51, rate.ReceivedPerSecond);
        Assert.Equal(3, rate.MeanLatencyMs);
        Assert.False(rate.CounterReset);
        Assert.Equal(TimeSpan.FromSeconds(10), rate.Interval);
    }

    [Fact]
    public void Between_CounterWentDown_IsAResetCountedFromZero()
    {
        var rate = RunnerRate.Between(At(0, 1000), At(10, 200))!;

        Assert.True(rate.CounterReset);
        Assert.Equal(20, rate.ProcessedPerSecond);
    }

    [Fact]
    public void Between_MissingCounter_IsNullNotZero()
    {
        var rate = RunnerRate.Between(At(0, null), At(10, 200))!;

        Assert.Null(rate.ProcessedPerSecond);
        Assert.Null(rate.MeanLatencyMs);
    }

    [Theory]
    [InlineData("same instant", 0, "f-function-0", "0")]
    [InlineData("another pod", 10, "f-function-1", "0")]
    [InlineData("another instance", 10, "f-function-0", "1")]
    public void Between_UnusablePair_IsNull(string name, double seconds, string pod, string instance) =>
        Assert.True(RunnerRate.Between(At(0, 1), At(seconds, 2, pod: pod, instance: instance)) is null, name);
}
