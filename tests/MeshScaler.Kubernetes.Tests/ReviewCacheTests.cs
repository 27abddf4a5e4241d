namespace MeshScaler.Kubernetes.Tests;

/// <summary>
/// The review cache tells when its answer expires, so the per-connection caches in front of it keep an answer no
/// longer than it does (a connection that first sees an answer late in its life must not keep it a full TTL more).
/// </summary>
public sealed class ReviewCacheTests
{
    [Fact]
    public async Task GetAsync_GivesTheAnswersOwnExpiry_NotTheReadsTimePlusTtl()
    {
        var clock = new StepClock(new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero));
        var cache = new ReviewCache<string>(clock, _ => TimeSpan.FromSeconds(10));
        var reviews = 0;
        Task<string> Review() => Task.FromResult($"answer {++reviews}");

        var first = await cache.GetAsync("k", Review, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(9));
        var late = await cache.GetAsync("k", Review, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1));
        var after = await cache.GetAsync("k", Review, CancellationToken.None);

        Assert.Equal(new Reviewed<string>("answer 1", clock.Start.AddSeconds(10)), first);
        Assert.Equal(first, late);
        Assert.Equal(new Reviewed<string>("answer 2", clock.Start.AddSeconds(20)), after);
    }

    [Fact]
    public async Task GetAsync_AFailedReview_IsNotKept()
    {
        var cache = new ReviewCache<string>(TimeProvider.System, _ => TimeSpan.FromMinutes(1));
        var calls = 0;

        await Assert.ThrowsAsync<ClusterReviewException>(() => cache.GetAsync("k", () => { calls++; throw new ClusterReviewException("down"); }, CancellationToken.None));
        var answer = await cache.GetAsync("k", () => { calls++; return Task.FromResult("up"); }, CancellationToken.None);

        Assert.Equal("up", answer.Answer);
        Assert.Equal(2, calls);
    }

    private sealed class StepClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public DateTimeOffset Start { get; } = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
