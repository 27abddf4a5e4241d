using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace MeshScaler.MetricsApi;

/// <summary>
/// The upstream adapter's discovery documents, read in the background every <see cref="RefreshInterval"/>, so a
/// discovery request never waits on the adapter: the aggregator's availability probe gives up after 5 s, and an adapter
/// that hangs must not make MeshScaler's own APIService unavailable. A document that cannot be refreshed is kept for
/// <see cref="MaxAge"/>, then dropped, so the metrics of an adapter that is gone stop being listed (they are still
/// forwarded, and answered 503 while it is down).
/// </summary>
internal sealed class UpstreamDiscovery(UpstreamAdapter upstream, IOptions<MetricsApiOptions> options, TimeProvider time, ILogger<UpstreamDiscovery> logger) : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MaxAge = RefreshInterval * 3;

    /// <summary>The version documents MeshScaler merges with its own, keyed by path (a fixed set).</summary>
    private readonly ConcurrentDictionary<string, Document> _documents = new(StringComparer.Ordinal);

    /// <summary>The paths whose last refresh failed, so each failure and recovery is logged once.</summary>
    private readonly ConcurrentDictionary<string, string> _failing = new(StringComparer.Ordinal);

    /// <summary>Every version path whose document is merged (<see cref="MetricsApiEndpoint"/> asks only these).</summary>
    public static IReadOnlyList<string> Paths { get; } =
        [.. MetricsApiEndpoint.Versions.Select(v => $"/apis/{MetricsApiEndpoint.CustomGroup}/{v}"), $"/apis/{ExternalMetric.Group}/{ExternalMetric.Version}"];

    /// <summary>The adapter's document for <paramref name="path"/> as last read, if recent enough; never waits.</summary>
    public JsonObject? Current(string path) =>
        _documents.TryGetValue(path, out var document) && time.GetUtcNow() - document.At < MaxAge ? document.Body : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!upstream.Configured || !options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(RefreshInterval, time);
        try
        {
            do
            {
                await Task.WhenAll(Paths.Select(path => RefreshAsync(path, stoppingToken)));
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads one document now (also for tests, which do not wait for the timer).</summary>
    internal async Task RefreshAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var body = await upstream.DiscoveryAsync(path, cancellationToken);
            _documents[path] = new Document(body, time.GetUtcNow());
            if (_failing.TryRemove(path, out _))
            {
                MetricsApiLog.UpstreamDiscoveryRecovered(logger, upstream.Describe, path);
            }
        }
        catch (UpstreamException ex)
        {
            if (_failing.TryAdd(path, ex.Message))
            {
                MetricsApiLog.UpstreamDiscoveryFailed(logger, upstream.Describe, path, ex.Message);
            }
        }
    }

    private sealed record Document(JsonObject Body, DateTimeOffset At);
}
