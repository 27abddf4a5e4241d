using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class RateLearnerTests
{
    [Fact]
    public void Observe_FirstSampleWithBacklog_IsOutRatePerConsumer()
    {
        Assert.Equal(150, RateLearner.Observe(null, backlog: 10, outRate: 300, consumers: 2));
    }

    [Fact]
    public void Observe_LaterSamples_AreSmoothedExponentially()
    {
        var estimate = RateLearner.Observe(100, backlog: 10, outRate: 200, consumers: 1);

        Assert.Equal(100 + (0.3 * 100), estimate!.Value, 9);
    }

    [Fact]
    public void Observe_LowerSample_MovesTheEstimateSlowly()
    {
        // A partly saturated broker window under-reports capacity, so lower samples weigh AlphaDown only.
        var estimate = RateLearner.Observe(100, backlog: 10, outRate: 50, consumers: 1);

        Assert.Equal(100 - (RateLearner.AlphaDown * 50), estimate!.Value, 9);
    }

    [Theory]
    [InlineData(0, 300, 2)]
    [InlineData(10, 0, 2)]
    [InlineData(10, 300, 0)]
    [InlineData(10, double.NaN, 2)]
    public void Observe_NoSaturationEvidence_KeepsPrevious(long backlog, double outRate, int consumers)
    {
        Assert.Equal(42, RateLearner.Observe(42, backlog, outRate, consumers));
        Assert.Null(RateLearner.Observe(null, backlog, outRate, consumers));
    }
}
