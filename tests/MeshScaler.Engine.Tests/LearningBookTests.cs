using MeshScaler.Core;

namespace MeshScaler.Engine.Tests;

public sealed class LearningBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);

    private static ScaleTarget Target(string threshold) =>
        TriggerMetadata.Parse(new Dictionary<string, string>
        {
            ["adminURL"] = "http://pulsar:8080",
            ["topic"] = "public/default/orders",
            ["subscription"] = "sub",
            ["scalingMode"] = "capacity",
            ["msgBacklogThreshold"] = threshold,
        }).Target!;

    [Fact]
    public void TargetsOnOneSource_ShareWhatItLearned()
    {
        var book = new LearningBook();

        Assert.Same(book.For(Target("10"), measured: false, Now), book.For(Target("50"), measured: false, Now));
    }

    [Fact]
    public void MeasuredAndInferredRates_AreLearnedApart()
    {
        var book = new LearningBook();

        Assert.NotSame(book.For(Target("10"), measured: false, Now), book.For(Target("10"), measured: true, Now));
    }

    [Fact]
    public void Evict_DropsOnlyWhatWasNotUsedSinceTheCutoff()
    {
        var book = new LearningBook();
        var old = book.For(Target("10"), measured: false, Now);
        var recent = book.For(Target("10"), measured: true, Now.AddMinutes(5));

        book.Evict(Now.AddMinutes(1));

        Assert.NotSame(old, book.For(Target("10"), measured: false, Now.AddMinutes(6)));
        Assert.Same(recent, book.For(Target("10"), measured: true, Now.AddMinutes(6)));
    }
}
