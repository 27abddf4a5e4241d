using MeshScaler.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;

namespace MeshScaler.Engine.Tests;

/// <summary>The one subject contract every source kind shares: single flight, staleness, the cold path and the schedule.</summary>
public sealed class SubjectTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly SignalStoreOptions Options = new();

    [Fact]
    public async Task ConcurrentColdRequests_ShareOneFetch()
    {
        var time = new ManualTimeProvider();
        var subject = new ScriptedSubject(time);
        var gate = subject.Hold();

        var callers = Enumerable.Range(0, 20).Select(_ => subject.GetAsync(Options, time.GetUtcNow(), CancellationToken.None, CancellationToken.None).AsTask()).ToList();
        gate.SetResult("v1");
        var answers = await Task.WhenAll(callers).WaitAsync(Timeout);

        Assert.Equal(1, subject.Fetches);
        Assert.All(answers, a => Assert.Equal("v1", a.Value));
    }

    [Fact]
    public async Task HeldValue_IsServedUntilMaxStaleness_ThenFailsNamingWhatAndTheLastError()
    {
        var time = new ManualTimeProvider();
        var subject = new ScriptedSubject(time) { Next = "v1" };
        await subject.GetAsync(Options, time.GetUtcNow(), CancellationToken.None, CancellationToken.None).AsTask().WaitAsync(Timeout);
        subject.Failure = new ScalingException(ScalingErrorKind.Unavailable, "connection refused");
        await subject.PollAsync(new SemaphoreSlim(1), CancellationToken.None, CancellationToken.None).WaitAsync(Timeout);

        time.Advance(Options.MaxStaleness);
        Assert.Equal("v1", (await subject.GetAsync(Options, time.GetUtcNow(), CancellationToken.None, CancellationToken.None)).Value);

        time.Advance(TimeSpan.FromSeconds(5));
        var stale = await Assert.ThrowsAsync<ScalingException>(() => subject.GetAsync(Options, time.GetUtcNow(), CancellationToken.None, CancellationToken.None).AsTask());
        Assert.Equal(ScalingErrorKind.Unavailable, stale.Kind);
        Assert.Equal("cluster 'test': the scripted value is 65s old, more than MaxStaleness 60s; last error: connection refused", stale.Message);
        Assert.Null(subject.Held(time.GetUtcNow(), Options));
    }

    [Fact]
    public async Task StaleAfterNotFound_KeepsNotFound()
    {
        var time = new ManualTimeProvider();
        var subject = new ScriptedSubject(time) { Next = "v1" };
        await subject.GetAsync(Options, time.GetUtcNow(), CancellationToken.None, CancellationToken.None).AsTask().WaitAsync(Timeout);
        subject.Failure = new ScalingException(ScalingErrorKind.NotFound, "topic deleted");
        await subject.PollAsync(new SemaphoreSlim(1), CancellationToken.None, CancellationToken.None).WaitAsync(Timeout);

        time.Advance(Options.MaxStaleness + TimeSpan.FromSeconds(1));
        var stale = await Assert.ThrowsAsync<ScalingException>(() => subject.GetAsync(Options, time.GetUtcNow(), CancellationToken.None, CancellationToken.None).AsTask());
        Assert.Equal(ScalingErrorKind.NotFound, stale.Kind);
    }

    [Fact]
    public async Task NeverSucceeded_RecentFailureIsAnsweredWithoutAskingAgain_UntilAPollIntervalPassed()
    {
        var time = new ManualTimeProvider();
        var subject = new ScriptedSubject(time) { Failure = new ScalingException(ScalingErrorKind.NotFound, "no such topic") };
        await Assert.ThrowsAsync<ScalingException>(() => subject.GetAsync(Options, time.GetUtcNow(), CancellationToken.None, CancellationToken.None).AsTask().WaitAsync(Timeout));
        Assert.Equal(1, subject.Fetches);

        time.Advance(Options.PollInterval / 2);
        var again = await Assert.ThrowsAsync<ScalingException>(() => subject.GetAsync(Options, time.GetUtcNow(), CancellationToken.None, CancellationToken.None).AsTask());
        Assert.Equal("no such topic", again.Message);
        Assert.Equal(1, subject.Fetches);

        time.Advance(Options.PollInterval);
        subject.Failure = null;
        subject.Next = "found";
        Assert.Equal("found", (await subject.GetAsync(Options, time.GetUtcNow(), CancellationToken.None, CancellationToken.None).AsTask().WaitAsync(Timeout)).Value);
        Assert.Equal(2, subject.Fetches);
    }

    [Fact]
    public async Task IsDue_AtNinetyPercentOfTheInterval_NeverWhileFetching()
    {
        var time = new ManualTimeProvider();
        var subject = new ScriptedSubject(time) { Next = "v1" };
        await subject.PollAsync(new SemaphoreSlim(1), CancellationToken.None, CancellationToken.None).WaitAsync(Timeout);

        time.Advance(Options.PollInterval * 0.89);
        Assert.False(subject.IsDue(time.GetUtcNow(), Options, wake: false));
        time.Advance(Options.PollInterval * 0.01);
        Assert.True(subject.IsDue(time.GetUtcNow(), Options, wake: false));

        var gate = subject.Hold();
        var polling = subject.PollAsync(new SemaphoreSlim(1), CancellationToken.None, CancellationToken.None);
        Assert.False(subject.IsDue(time.GetUtcNow(), Options, wake: false));
        gate.SetResult("v2");
        await polling.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Poll_ThatFails_NeverThrows_AndIsCountedOnce()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new EngineMetrics(registry, NullLogger<EngineMetrics>.Instance);
        var subject = new ScriptedSubject(new ManualTimeProvider(), new UpstreamTelemetry(metrics, NullLogger.Instance))
        {
            Failure = new ScalingException(ScalingErrorKind.Unavailable, "down"),
        };

        await subject.PollAsync(new SemaphoreSlim(1), CancellationToken.None, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1, subject.Fetches);
        Assert.Contains(
            "meshscaler_upstream_requests_total{cluster=\"test\",kind=\"scripted\",outcome=\"unavailable\"} 1",
            await Scrape(registry));
    }

    private static async Task<string> Scrape(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A subject whose fetch answers what the test scripts: a value, a failure, or one held open.</summary>
    private sealed class ScriptedSubject(TimeProvider time, UpstreamTelemetry? telemetry = null)
        : Subject<string>(
            new PulsarClusterRef("test", new Uri("http://pulsar:8080")), "scripted", "scripted", time,
            telemetry ?? new UpstreamTelemetry(new EngineMetrics(Metrics.NewCustomRegistry(), NullLogger<EngineMetrics>.Instance), NullLogger.Instance))
    {
        private TaskCompletionSource<string>? _held;
        private int _fetches;

        public string Next { get; set; } = "";

        public ScalingException? Failure { get; set; }

        public int Fetches => Volatile.Read(ref _fetches);

        protected override string Description => "the scripted value";

        public TaskCompletionSource<string> Hold() => _held = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool UsedBy(TargetState target) => false;

        protected override Task<string> FetchAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _fetches);
            if (Interlocked.Exchange(ref _held, null) is { } held)
            {
                return held.Task;
            }

            return Failure is { } failure ? Task.FromException<string>(failure) : Task.FromResult(Next);
        }
    }
}
