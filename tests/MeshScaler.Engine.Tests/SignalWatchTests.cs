using MeshScaler.Core;

namespace MeshScaler.Engine.Tests;

public sealed class SignalWatchTests
{
    private static readonly TopicName Orders = new("public", "default", "orders");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Watch_PublishesTransitionsOnlyFromThePollLoop()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 0);
        var target = StoreFixture.Target();
        using var watch = f.Store.Watch(target);

        await f.PollAsync();
        Assert.True(watch.Changes.TryRead(out var initial));
        Assert.False(initial);

        await f.PollAsync();
        Assert.False(watch.Changes.TryRead(out _));

        f.Admin.Set(Orders, rateIn: 0, backlog: 12);
        await f.PollAsync();
        Assert.True(await watch.Changes.WaitToReadAsync().AsTask().WaitAsync(Timeout));
        Assert.True(watch.Changes.TryRead(out var woke));
        Assert.True(woke);

        f.Admin.Set(Orders, rateIn: 0, backlog: 0);
        await f.PollAsync();
        Assert.True(watch.Changes.TryRead(out var slept));
        Assert.False(slept);
    }

    [Fact]
    public async Task Watch_AttachingBetweenEvictionsCheckAndRemoval_IsPushedTo()
    {
        // The interleaving that orphaned a watch: eviction has decided the idle state goes (no watcher yet), a
        // StreamIsActive attaches before the removal, then the removal happens. The watch must still hear transitions.
        using var f = new StoreFixture(new SignalStoreOptions { IdleEviction = TimeSpan.FromSeconds(20) });
        f.Admin.Set(Orders, rateIn: 0, backlog: 0);
        var target = StoreFixture.Target();
        await f.Store.GetAsync(target, CancellationToken.None).WaitAsync(Timeout);
        f.Time.Advance(TimeSpan.FromSeconds(30));
        var idle = Assert.Single(f.Store.Targets);
        Assert.True(idle.TryRetire(f.Time.GetUtcNow() - f.Options.IdleEviction));

        using var watch = f.Store.Watch(target);
        await f.PollAsync();
        Assert.True(watch.Changes.TryRead(out var initial));
        Assert.False(initial);

        f.Admin.Set(Orders, rateIn: 0, backlog: 7);
        await f.PollAsync();
        Assert.True(watch.Changes.TryRead(out var woke));
        Assert.True(woke);
        Assert.NotSame(idle, Assert.Single(f.Store.Targets));
    }

    [Fact]
    public void TryRetire_WithWatcherOrRecentRequest_KeepsTheStateAndRetiredRefusesWatchers()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var state = new TargetState(StoreFixture.Target(), new PulsarClusterRef("c", new Uri("http://pulsar:8080")), now);

        Assert.False(state.TryRetire(now));
        var reader = state.AddWatcher(out var remove);
        Assert.NotNull(reader);
        Assert.False(state.TryRetire(now.AddHours(1)));

        remove();
        Assert.True(state.TryRetire(now.AddHours(1)));
        Assert.Null(state.AddWatcher(out _));
    }

    [Fact]
    public async Task Watch_OutageIsNotATransition()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 5);
        var target = StoreFixture.Target();
        using var watch = f.Store.Watch(target);
        await f.PollAsync();
        Assert.True(watch.Changes.TryRead(out var active) && active);

        f.Admin.Failure = new ScalingException(ScalingErrorKind.Unavailable, "down") { IsTransient = true };
        for (var i = 0; i < 20; i++)
        {
            await f.PollAsync();
        }

        Assert.False(watch.Changes.TryRead(out _));
    }

    [Fact]
    public async Task Watch_KeepsTargetPolledWithoutRequestsAndDisposeReleasesIt()
    {
        using var f = new StoreFixture(new SignalStoreOptions { IdleEviction = TimeSpan.FromSeconds(20) });
        f.Admin.Set(Orders, rateIn: 0, backlog: 5);
        var watch = f.Store.Watch(StoreFixture.Target());
        for (var i = 0; i < 10; i++)
        {
            await f.PollAsync();
        }

        Assert.Equal(1, f.Store.TopicSubjectCount);
        Assert.Equal(10, f.Admin.Calls("stats"));

        watch.Dispose();
        for (var i = 0; i < 5; i++)
        {
            await f.PollAsync();
        }

        Assert.Equal(0, f.Store.TargetCount);
        Assert.Equal(0, f.Store.TopicSubjectCount);
        var remaining = new List<bool>();
        await foreach (var item in watch.Changes.ReadAllAsync().WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            remaining.Add(item);
        }

        Assert.Equal([true], remaining);
        Assert.True(watch.Changes.Completion.IsCompleted);
    }

    [Fact]
    public async Task Watch_AfterTargetWasEvicted_StillReceivesTransitions()
    {
        using var f = new StoreFixture(new SignalStoreOptions { IdleEviction = TimeSpan.FromSeconds(10) });
        f.Admin.Set(Orders, rateIn: 0, backlog: 0);
        var target = StoreFixture.Target();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);
        for (var i = 0; i < 4; i++)
        {
            await f.PollAsync();
        }

        Assert.Equal(0, f.Store.TargetCount);
        using var watch = f.Store.Watch(target);
        f.Admin.Set(Orders, rateIn: 0, backlog: 3);
        await f.PollAsync();

        Assert.True(watch.Changes.TryRead(out var active));
        Assert.True(active);
    }

    [Fact]
    public async Task PollOnceAsync_SourceThrowsUnexpectedly_KeepsPollingOthersAndServesUnavailable()
    {
        using var f = new StoreFixture();
        f.Admin.Set(Orders, rateIn: 0, backlog: 2);
        var target = StoreFixture.Target();
        await f.Store.GetAsync(target, default).WaitAsync(Timeout);

        f.Admin.Failure = null;
        f.Admin.Throw = new InvalidOperationException("bug in a source");
        await f.PollAsync();
        await f.PollAsync(TimeSpan.FromSeconds(61));

        var error = await Assert.ThrowsAsync<ScalingException>(() => f.Store.GetAsync(target, default).WaitAsync(Timeout));
        Assert.Equal(ScalingErrorKind.Unavailable, error.Kind);
        Assert.Contains("the source failed unexpectedly", error.Message, StringComparison.Ordinal);
    }
}
