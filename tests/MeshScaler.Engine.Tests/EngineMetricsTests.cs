using MeshScaler.Core;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Engine.Tests;

/// <summary>The Engine's series as <c>/metrics</c> serves them: live per target, gone with the target, bounded.</summary>
public sealed class EngineMetricsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TopicName Orders = new("public", "default", "orders");

    [Fact]
    public async Task Scrape_TrackedTarget_ExportsItsSignalWithTypesAndLabels()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 42);
        var target = StoreFixture.Target();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        var id = MetricNames.ShortHash(target.Key);

        var text = await f.ScrapeAsync();

        var labels = $"cluster=\"test\",metric=\"{target.MetricName}\",mode=\"backlog\",subscription=\"sub\",target=\"{id}\"";
        Assert.Contains("# TYPE meshscaler_signal_backlog gauge\n", text, StringComparison.Ordinal);
        Assert.Contains($"meshscaler_signal_backlog{{{labels}}} 42\n", text, StringComparison.Ordinal);
        Assert.Contains($"meshscaler_signal_active{{{labels}}} 1\n", text, StringComparison.Ordinal);
        Assert.Contains($"meshscaler_signal_inflow_rate{{{labels}}} 0\n", text, StringComparison.Ordinal);
        Assert.Contains($"meshscaler_signal_desired_replicas{{{labels}}} ", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE meshscaler_upstream_requests_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("meshscaler_upstream_requests_total{cluster=\"test\",kind=\"stats\",outcome=\"ok\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("meshscaler_subjects{kind=\"target\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("meshscaler_subjects{kind=\"topic\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_AfterTheValueChanged_ServesTheNewValueNotACachedOne()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 42);
        var target = StoreFixture.Target();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        Assert.Contains("} 42\n", await f.ScrapeAsync(), StringComparison.Ordinal);

        f.Admin.Set(Orders, rateIn: 0, backlog: 7);
        await f.PollAsync();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        var text = await f.ScrapeAsync();

        Assert.Contains("meshscaler_signal_backlog{", text, StringComparison.Ordinal);
        Assert.Contains("} 7\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("} 42\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_AfterEviction_TheTargetsAndMissingSubscriptionsSeriesAreGone()
    {
        using var f = new StoreFixture(new SignalStoreOptions { IdleEviction = TimeSpan.FromSeconds(20) });
        var gone = new TopicName("public", "default", "gone");
        f.Admin.Set(Orders, rateIn: 0, backlog: 42);
        f.Admin.Set(gone, rateIn: 1, backlog: null);
        await f.Store.GetAsync(StoreFixture.Target(), default).WaitAsync(Timeout);
        await f.Store.GetAsync(StoreFixture.Target(topic: gone.FullName), default).WaitAsync(Timeout);
        var before = await f.ScrapeAsync();
        Assert.Contains("meshscaler_signal_backlog{", before, StringComparison.Ordinal);
        Assert.Contains("meshscaler_subscription_missing{cluster=\"test\",subscription=\"sub\",topic=\"persistent://public/default/gone\"} 1\n", before, StringComparison.Ordinal);

        for (var i = 0; i < 6; i++)
        {
            await f.PollAsync();
        }

        Assert.Equal(0, f.Store.TargetCount);
        var after = await f.ScrapeAsync();
        Assert.DoesNotContain("meshscaler_signal_backlog{", after, StringComparison.Ordinal);
        Assert.DoesNotContain("meshscaler_signal_active{", after, StringComparison.Ordinal);
        Assert.DoesNotContain("meshscaler_subscription_missing{", after, StringComparison.Ordinal);
        Assert.Contains("meshscaler_subjects{kind=\"target\"} 0\n", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_MoreTargetsThanTheBound_ExportsTheBoundAndWarnsOnce()
    {
        using var f = new StoreFixture(maxTargetSeries: 3);
        f.Admin.Set(Orders, rateIn: 0, backlog: 5);
        for (var i = 1; i <= 5; i++)
        {
            await f.Store.GetAsync(StoreFixture.Target(extra: ("msgBacklogThreshold", $"{i}")), default).WaitAsync(Timeout);
        }

        static List<string> Series(string scrape) => [.. scrape.Split('\n').Where(l => l.StartsWith("meshscaler_signal_backlog{", StringComparison.Ordinal))];
        var first = Series(await f.ScrapeAsync());
        var text = await f.ScrapeAsync();

        Assert.Equal(3, Series(text).Count);
        Assert.Equal(first, Series(text));
        Assert.Contains("meshscaler_subjects{kind=\"target\"} 5\n", text, StringComparison.Ordinal);
        var warning = Assert.Single(f.MetricsLogger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("More than 3 targets are tracked: /metrics exports the series of 3 of them only", warning.Message);
    }

    [Fact]
    public async Task Scrape_DuringAnOutageBeyondMaxStaleness_TheTargetsSignalIsNoLongerShown()
    {
        using var f = new StoreFixture(new SignalStoreOptions { MaxStaleness = TimeSpan.FromSeconds(30) });
        f.Admin.Set(Orders, rateIn: 0, backlog: 42);
        await f.Store.GetAsync(StoreFixture.Target(), default).WaitAsync(Timeout);
        Assert.Contains("meshscaler_signal_backlog{", await f.ScrapeAsync(), StringComparison.Ordinal);

        f.Admin.Failure = new ScalingException(ScalingErrorKind.Unavailable, "down");
        for (var i = 0; i < 4; i++)
        {
            await f.PollAsync();
        }

        Assert.Contains("meshscaler_signal_backlog{", await f.ScrapeAsync(), StringComparison.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            await f.PollAsync();
        }

        var text = await f.ScrapeAsync();
        Assert.Equal(1, f.Store.TargetCount);
        Assert.DoesNotContain("meshscaler_signal_backlog{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("meshscaler_signal_active{", text, StringComparison.Ordinal);
    }
}
