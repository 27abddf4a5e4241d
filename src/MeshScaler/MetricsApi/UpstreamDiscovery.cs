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

    /// <summary>
    /// The resources the adapter's document for <paramref name="path"/> listed as last read, if recent enough; never
    /// waits. Each is an object with a string <c>name</c>, checked when read: whatever the adapter sent, using them
    /// cannot fail MeshScaler's own discovery.
    /// </summary>
    public IReadOnlyList<UpstreamResource> Current(string path) =>
        _documents.TryGetValue(path, out var document) && time.GetUtcNow() - document.At < MaxAge ? document.Resources : [];

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

    /// <summary>Reads one document now; a failure keeps the last good one and is logged once until it recovers.</summary>
    private async Task RefreshAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var resources = Resources(await upstream.DiscoveryAsync(path, cancellationToken));
            _documents[path] = new Document(resources, time.GetUtcNow());
            if (_failing.TryRemove(path, out _))
            {
                MetricsApiLog.UpstreamDiscoveryRecovered(logger, upstream.Describe, path);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Whatever the adapter sent, or whatever went wrong reading it: the last good document stays (for MaxAge),
            // and this loop, which must not stop the host, goes on.
            if (_failing.TryAdd(path, ex.Message))
            {
                MetricsApiLog.UpstreamDiscoveryFailed(logger, upstream.Describe, path, ex.Message);
            }
        }
    }

    /// <summary>
    /// The document's resources that are objects with a string name; others are left out. JsonObject reports some
    /// faults (duplicate keys) only when first read: they are met here, in the background, never on a request.
    /// </summary>
    private static List<UpstreamResource> Resources(JsonObject document)
    {
        if (document["resources"] is not JsonArray listed)
        {
            throw new UpstreamException("its discovery document has no resources array");
        }

        var resources = new List<UpstreamResource>(listed.Count);
        foreach (var node in listed)
        {
            try
            {
                if (node is JsonObject resource && resource["name"] is JsonValue name && name.TryGetValue<string>(out var text) && text.Length > 0)
                {
                    resources.Add(new UpstreamResource(text, System.Text.Json.JsonSerializer.SerializeToElement(resource)));
                }
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                // A resource this reader cannot take (a duplicate key) is left out; the others are listed.
            }
        }

        return resources;
    }

    private sealed record Document(IReadOnlyList<UpstreamResource> Resources, DateTimeOffset At);
}

/// <summary>
/// One resource of the upstream adapter's discovery, its name read once. Kept as a JsonElement, which any number of
/// requests may read at once (a JsonObject may not: it materializes lazily on first access).
/// </summary>
internal sealed record UpstreamResource(string Name, System.Text.Json.JsonElement Resource);
