using System.Net;
using k8s;
using k8s.Autorest;
using MeshScaler.Core;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Kubernetes;

/// <summary>
/// Keeps a <see cref="ResourceCache{T}"/> of one kind in one scope (a namespace, or the cluster) current, the way
/// client-go's reflector does: list (in pages, the first from the watch cache with <c>resourceVersion=0</c>), then watch
/// from the list's resourceVersion with bookmarks, for a random 300-600 s per watch; resume from the last
/// resourceVersion seen when a watch ends; relist (a quorum read) when the server says the resourceVersion is too old
/// (HTTP 410, an ERROR event with code 410, or a 504 "too large"), or when an event cannot be read; back off
/// exponentially on any other error. Never a GET per request: readers only read the cache.
/// </summary>
internal sealed partial class ResourceInformer<T>
    where T : class
{
    private const int PageSize = 500;

    private readonly IResourceApi<T> _api;
    private readonly string? _namespace;
    private readonly KubernetesOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile string? _error;
    private volatile bool _synced;
    private volatile string? _lastVersion;

    public ResourceInformer(IResourceApi<T> api, ResourceCache<T> cache, string? @namespace, KubernetesOptions options, TimeProvider time, ILogger logger)
    {
        _api = api;
        Cache = cache;
        _namespace = @namespace;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public ResourceCache<T> Cache { get; }

    /// <summary>True once a list has succeeded; stays true through later errors (the cache keeps its last state).</summary>
    public bool Synced => _synced;

    /// <summary>The last list or watch error, null while healthy; names the resource and, for 403, the missing permission.</summary>
    public string? Error => _error;

    /// <summary>How many lists (first and re-) have completed; tests assert a relist happened.</summary>
    public int Lists { get; private set; }

    /// <summary>Why the last list after the first one happened (a relist, or an error); for diagnostics.</summary>
    public string? LastRestartReason { get; private set; }

    public string Resource => _api.Resource;

    public string Scope => _namespace is null ? "cluster-wide" : $"in namespace {_namespace}";

    /// <summary>The namespace watched; null for the whole cluster.</summary>
    public string? Namespace => _namespace;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = _options.MinBackoff;

        // The first list is served from the watch cache (resourceVersion 0); after an error the list resumes at the last
        // version seen, also from the cache (as client-go does); after a 410 it is a quorum read (empty).
        var listFrom = "0";
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                _lastVersion = await ListAsync(listFrom, cancellationToken).ConfigureAwait(false);
                backoff = _options.MinBackoff;
                await WatchAsync(cancellationToken).ConfigureAwait(false);
                listFrom = string.Empty;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (NeedsRelist(ex))
            {
                listFrom = string.Empty;
                LastRestartReason = Describe(ex);
                Log.Relisting(_logger, _api.Resource, Scope, LastRestartReason);
            }
            catch (Exception ex)
            {
                var message = Describe(ex);
                LastRestartReason = message;
                if (_error != message)
                {
                    Log.ListWatchFailed(_logger, message);
                }

                // A failed watch leaves the cache as it was: keep serving it (synced), and say what is failing.
                _error = message;
                listFrom = _lastVersion ?? "0";
                try
                {
                    await Task.Delay(Jitter(backoff), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
    }

    private async Task<string> ListAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        var items = new List<(string, string, T?)>();
        string? next = null;
        string listVersion;
        do
        {
            // A continued page is served at the first page's resourceVersion; the token carries it.
            var page = await _api.ListAsync(_namespace, next, next is null ? resourceVersion : null, PageSize, cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Items);
            listVersion = page.ResourceVersion;
            next = page.Continue;
        }
        while (next is not null);

        Cache.Replace(_namespace, items);
        Lists++;
        if (_error is not null)
        {
            Log.Recovered(_logger, _api.Resource, Scope);
        }

        _error = null;
        _synced = true;
        return listVersion;
    }

    /// <summary>Watches until the server asks for a relist (or an event cannot be read); resumes after each watch's timeout.</summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Exception? failure = null;
            var timeout = Random.Shared.Next(_options.MinWatchSeconds, _options.MaxWatchSeconds + 1);
            await foreach (var change in _api.WatchAsync(_namespace, _lastVersion!, timeout, e => failure ??= e, cancellationToken).ConfigureAwait(false))
            {
                if (failure is not null)
                {
                    break;
                }

                if (change.Type != WatchEventType.Bookmark)
                {
                    Cache.Set(change.Namespace, change.Name, change.Type == WatchEventType.Deleted ? null : change.Item);
                }

                if (!string.IsNullOrEmpty(change.ResourceVersion))
                {
                    _lastVersion = change.ResourceVersion;
                }
            }

            if (failure is not null)
            {
                // 410 Expired, or an event we could not read (a change we may have missed): relist. A stream cut mid-event
                // ends here too; a relist is always correct.
                LastRestartReason = Describe(failure);
                Log.Relisting(_logger, _api.Resource, Scope, LastRestartReason);
                return;
            }

            // A watch that ended normally (its timeout, or the server closing it) resumes where it was.
            _error = null;
        }
    }

    private static bool NeedsRelist(Exception ex) => ex switch
    {
        HttpOperationException http => http.Response?.StatusCode is HttpStatusCode.Gone or HttpStatusCode.GatewayTimeout,
        KubernetesException kubernetes => kubernetes.Status?.Code is 410 or 504,
        _ => false,
    };

    /// <summary>What went wrong, for logs and for requests answered from this cache; a 403 names the permission to grant.</summary>
    private string Describe(Exception ex) => ex switch
    {
        HttpOperationException { Response.StatusCode: HttpStatusCode.Forbidden } http =>
            $"forbidden: MeshScaler's service account may not list and watch {_api.Resource} {Scope}; grant get, list and watch on it (deploy/base/rbac.yaml). The API server said: {Reason(http)}",
        HttpOperationException { Response.StatusCode: HttpStatusCode.Unauthorized } http =>
            $"unauthorized listing {_api.Resource} {Scope}: the API server did not accept MeshScaler's credentials ({Reason(http)})",
        HttpOperationException http => $"listing {_api.Resource} {Scope} failed: HTTP {(int?)http.Response?.StatusCode} {Reason(http)}",
        KubernetesException kubernetes => $"watching {_api.Resource} {Scope} failed: {kubernetes.Status?.Code} {kubernetes.Status?.Reason} {kubernetes.Status?.Message}",
        HttpRequestException request => $"the API server is unreachable for {_api.Resource} {Scope}: {request.Message}",
        _ => $"{_api.Resource} {Scope}: {ex.GetType().Name}: {ex.Message}",
    };

    private static string Reason(HttpOperationException http)
    {
        var content = http.Response?.Content ?? string.Empty;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(content);
            if (document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                return message.GetString()!;
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return content.Length > 200 ? content[..200] + "…" : content;
    }

    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.8 + (Random.Shared.NextDouble() * 0.4));

    private static partial class Log
    {
        [LoggerMessage(6000, LogLevel.Warning, "Kubernetes: {Reason}")]
        public static partial void ListWatchFailed(ILogger logger, string reason);

        [LoggerMessage(6001, LogLevel.Information, "Kubernetes: listing {Resource} {Scope} works again")]
        public static partial void Recovered(ILogger logger, string resource, string scope);

        [LoggerMessage(6002, LogLevel.Debug, "Kubernetes: relisting {Resource} {Scope}: {Reason}")]
        public static partial void Relisting(ILogger logger, string resource, string scope, string reason);
    }
}
