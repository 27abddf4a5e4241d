using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MeshScaler.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MeshScaler.Emulation.Kubernetes;

/// <summary>
/// An in-process Kubernetes API server on 127.0.0.1 over real HTTP, for the kinds MeshScaler reads: Function, Sink,
/// Source and FunctionMesh custom objects, Pods and ConfigMaps. Lists page with <c>limit</c> and <c>continue</c> and
/// filter by label selector; watches replay the history after a resourceVersion and stream what follows, with
/// bookmarks, and end after <c>timeoutSeconds</c>. A resourceVersion older than the last <see cref="Compact"/> is
/// answered as the API server's watch cache does: an <c>ERROR</c> event with a 410 <c>Expired</c> Status (or HTTP 410,
/// <see cref="GoneAsHttpStatus"/>). Kinds can be denied (403 with the API server's message), and the next event of a
/// watch can be cut mid-line.
/// </summary>
public sealed class FakeKubernetesApiServer : IAsyncDisposable
{
    public const string FunctionMeshGroup = "compute.functionmesh.io";

    private static readonly string[] CustomPlurals = ["functions", "sinks", "sources", "functionmeshes"];

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Resource, string Namespace, string Name), JsonObject> _objects = [];
    private readonly List<(long Version, string Resource, string Type, JsonObject Object)> _history = [];
    private readonly List<Channel<(long, string, string, JsonObject)>> _watchers = [];
    private readonly HashSet<string> _denied = new(StringComparer.Ordinal);
    private long _resourceVersion = 1000;
    private long _compactedBefore;
    private int _cutNextEvent;
    private int _garbleNextEvent;
    private readonly HashSet<string> _expireNextWatch = new(StringComparer.Ordinal);

    private FakeKubernetesApiServer(WebApplication app) => _app = app;

    /// <summary><c>http://127.0.0.1:port</c>; a KubernetesClient configuration with this <c>Host</c> talks to it.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>TokenReview and SubjectAccessReview: the tokens and rules this cluster answers with.</summary>
    public FakeAccessReviews Reviews { get; } = new();

    /// <summary>How often an open watch gets a BOOKMARK; the real server sends about one a minute.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Answer a too-old resourceVersion with HTTP 410 instead of an ERROR event (both occur in practice).</summary>
    public bool GoneAsHttpStatus { get; set; }

    /// <summary>How many list and watch requests each resource got, keyed <c>"list pods"</c>, <c>"watch functions"</c>.</summary>
    public IReadOnlyDictionary<string, int> Requests
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_requests);
            }
        }
    }

    private readonly Dictionary<string, int> _requests = new(StringComparer.Ordinal);

    public static async Task<FakeKubernetesApiServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeKubernetesApiServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return server;
    }

    /// <summary>Creates or replaces an object (ADDED or MODIFIED); <paramref name="resource"/> is the plural, e.g. <c>functions</c>, <c>pods</c>.</summary>
    public long Apply(string resource, JsonObject item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var metadata = item["metadata"]!.AsObject();
        var key = (resource, metadata["namespace"]!.GetValue<string>(), metadata["name"]!.GetValue<string>());
        lock (_gate)
        {
            var version = ++_resourceVersion;
            var copy = item.DeepClone().AsObject();
            copy["metadata"]!["resourceVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var type = _objects.ContainsKey(key) ? "MODIFIED" : "ADDED";
            _objects[key] = copy;
            Publish(version, resource, type, copy);
            return version;
        }
    }

    public bool Delete(string resource, string @namespace, string name)
    {
        lock (_gate)
        {
            if (!_objects.Remove((resource, @namespace, name), out var old))
            {
                return false;
            }

            var version = ++_resourceVersion;
            var copy = old.DeepClone().AsObject();
            copy["metadata"]!["resourceVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Publish(version, resource, "DELETED", copy);
            return true;
        }
    }

    /// <summary>Forget the history so far: a watch from an older resourceVersion gets 410 Expired, as after etcd compaction.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedBefore = _resourceVersion + 1;
            _history.Clear();
        }
    }

    /// <summary>
    /// Expire every open watch, as the API server does when etcd compacted past it: an <c>ERROR</c> event with a 410
    /// Status on each; or, with <see cref="GoneAsHttpStatus"/>, a last bookmark, the stream's end, and HTTP 410 for the
    /// next watch request.
    /// </summary>
    public void ExpireWatches()
    {
        lock (_gate)
        {
            if (GoneAsHttpStatus)
            {
                _expireNextWatch.UnionWith([.. CustomPlurals, "pods", "configmaps"]);
            }

            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite((long.MaxValue, GoneAsHttpStatus ? "(end)" : "(expire)", string.Empty, new JsonObject()));
            }
        }
    }

    /// <summary>Answer every request for <paramref name="resource"/> with 403, as RBAC does without the permission.</summary>
    public void Deny(string resource)
    {
        lock (_gate)
        {
            _denied.Add(resource);
        }
    }

    public void Allow(string resource)
    {
        lock (_gate)
        {
            _denied.Remove(resource);
        }
    }

    /// <summary>The next event written to any watch stops mid-line and the stream is closed.</summary>
    public void CutNextEvent() => Interlocked.Exchange(ref _cutNextEvent, 1);

    /// <summary>The next event written to any watch is a complete line that is not JSON.</summary>
    public void GarbleNextEvent() => Interlocked.Exchange(ref _garbleNextEvent, 1);

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryComplete();
            }
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Publish(long version, string resource, string type, JsonObject item)
    {
        _history.Add((version, resource, type, item));
        foreach (var watcher in _watchers)
        {
            watcher.Writer.TryWrite((version, resource, type, item));
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Method == HttpMethods.Post && ReviewRoute(context.Request.Path.Value ?? string.Empty) is { } review)
        {
            await ReviewAsync(context, review);
            return;
        }

        var route = Route(context.Request.Path.Value ?? string.Empty);
        if (route is not var (resource, ns) || context.Request.Method != HttpMethods.Get)
        {
            await Status(context, 404, "NotFound", $"the server could not find the requested resource ({context.Request.Method} {context.Request.Path})");
            return;
        }

        var query = context.Request.Query;
        var watch = query["watch"] is var w && (w == "1" || w == "true");
        lock (_gate)
        {
            var label = $"{(watch ? "watch" : "list")} {resource}";
            _requests[label] = _requests.GetValueOrDefault(label) + 1;
            if (_denied.Contains(resource))
            {
                goto Denied;
            }
        }

        if (!LabelSelector.TryParse(query["labelSelector"], out var selector, out var selectorError))
        {
            await Status(context, 400, "BadRequest", $"unable to parse labelSelector: {selectorError}");
            return;
        }

        // Only the field selector MeshScaler sends: metadata.name=<name>.
        string? name = null;
        if (query["fieldSelector"].ToString() is { Length: > 0 } field)
        {
            if (!field.StartsWith("metadata.name=", StringComparison.Ordinal))
            {
                await Status(context, 400, "BadRequest", $"unable to parse fieldSelector \"{field}\": this fake server supports metadata.name=<name> only");
                return;
            }

            name = field["metadata.name=".Length..];
        }

        var filter = new Filter(selector, name);
        if (watch)
        {
            await WatchAsync(context, resource, ns, filter);
        }
        else
        {
            await ListAsync(context, resource, ns, filter);
        }

        return;

    Denied:
        var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        var group = CustomPlurals.Contains(resource) ? FunctionMeshGroup : string.Empty;
        await Status(context, 403, "Forbidden",
            $"{resource}{(group.Length > 0 ? "." + group : string.Empty)} is forbidden: User \"system:serviceaccount:meshscaler:meshscaler\" cannot {(watch ? "watch" : "list")} resource \"{resource}\" in API group \"{group}\" {scope}");
    }

    private async Task ListAsync(HttpContext context, string resource, string? ns, Filter selector)
    {
        var limit = int.TryParse(context.Request.Query["limit"], out var l) && l > 0 ? l : int.MaxValue;
        var start = int.TryParse(context.Request.Query["continue"], out var c) ? c : 0;
        List<JsonObject> items;
        long version;
        lock (_gate)
        {
            version = _resourceVersion;
            items = [.. _objects.Where(kv => kv.Key.Resource == resource && (ns is null || kv.Key.Namespace == ns) && Selected(selector, kv.Value))
                .OrderBy(kv => kv.Key.Namespace, StringComparer.Ordinal).ThenBy(kv => kv.Key.Name, StringComparer.Ordinal)
                .Skip(start).Take(limit == int.MaxValue ? int.MaxValue : limit + 1).Select(kv => kv.Value)];
        }

        var more = limit != int.MaxValue && items.Count > limit;
        var page = more ? items[..limit] : items;
        var metadata = new JsonObject { ["resourceVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (more)
        {
            metadata["continue"] = (start + limit).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var list = new JsonObject
        {
            ["kind"] = ListKind(resource),
            ["apiVersion"] = CustomPlurals.Contains(resource) ? $"{FunctionMeshGroup}/v1alpha1" : "v1",
            ["metadata"] = metadata,
            ["items"] = new JsonArray([.. page.Select(i => (JsonNode)i.DeepClone())]),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(list.ToJsonString(), context.RequestAborted);
    }

    private async Task WatchAsync(HttpContext context, string resource, string? ns, Filter selector)
    {
        var from = long.TryParse(context.Request.Query["resourceVersion"], out var rv) ? rv : 0;
        var timeout = int.TryParse(context.Request.Query["timeoutSeconds"], out var t) && t > 0 ? TimeSpan.FromSeconds(t) : TimeSpan.FromMinutes(30);
        var bookmarks = context.Request.Query["allowWatchBookmarks"] == "true";
        var channel = Channel.CreateUnbounded<(long Version, string Resource, string Type, JsonObject Object)>();
        List<(long, string, string, JsonObject)> replay;
        bool expired;
        long current;
        lock (_gate)
        {
            // resourceVersion 0 means "any": start from now.
            expired = (from != 0 && from < _compactedBefore - 1) | _expireNextWatch.Remove(resource);
            replay = from == 0 ? [] : [.. _history.Where(h => h.Version > from)];
            current = _resourceVersion;
            if (!expired)
            {
                _watchers.Add(channel);
            }
        }

        if (expired && GoneAsHttpStatus)
        {
            await Status(context, 410, "Expired", $"too old resource version: {from} ({_compactedBefore - 1})");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        if (expired)
        {
            var status = StatusObject(410, "Expired", $"too old resource version: {from} ({_compactedBefore - 1})");
            await WriteLineAsync(context, new JsonObject { ["type"] = "ERROR", ["object"] = status }.ToJsonString());
            return;
        }

        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        ending.CancelAfter(timeout);
        try
        {
            foreach (var (version, kind, type, item) in replay)
            {
                if (!await WriteEventAsync(context, resource, ns, selector, kind, type, item))
                {
                    return;
                }

                current = Math.Max(current, version);
            }

            var nextBookmark = DateTime.UtcNow + BookmarkInterval;
            while (!ending.IsCancellationRequested)
            {
                var wait = nextBookmark - DateTime.UtcNow;
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(ending.Token);
                tick.CancelAfter(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
                try
                {
                    var (version, kind, type, item) = await channel.Reader.ReadAsync(tick.Token);
                    if (kind == "(expire)")
                    {
                        var status = StatusObject(410, "Expired", "The resourceVersion for the provided watch is too old.");
                        await WriteLineAsync(context, new JsonObject { ["type"] = "ERROR", ["object"] = status }.ToJsonString());
                        return;
                    }

                    if (kind == "(end)")
                    {
                        await WriteBookmarkAsync(context, resource);
                        return;
                    }

                    if (version <= from)
                    {
                        continue;
                    }

                    if (!await WriteEventAsync(context, resource, ns, selector, kind, type, item))
                    {
                        return;
                    }
                }
                catch (OperationCanceledException) when (!ending.IsCancellationRequested)
                {
                    if (bookmarks)
                    {
                        await WriteBookmarkAsync(context, resource);
                    }

                    nextBookmark = DateTime.UtcNow + BookmarkInterval;
                }
                catch (ChannelClosedException)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested && bookmarks)
        {
            // The watch's timeout: like the API server's watch cache, send a last bookmark so the client resumes from here.
            await WriteBookmarkAsync(context, resource);
        }
        catch (OperationCanceledException)
        {
            // The client went away: the stream ends.
        }
        catch (IOException)
        {
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }
        }
    }

    private async Task WriteBookmarkAsync(HttpContext context, string resource)
    {
        long version;
        lock (_gate)
        {
            version = _resourceVersion;
        }

        var bookmark = new JsonObject
        {
            ["type"] = "BOOKMARK",
            ["object"] = new JsonObject
            {
                ["kind"] = ItemKind(resource),
                ["apiVersion"] = CustomPlurals.Contains(resource) ? $"{FunctionMeshGroup}/v1alpha1" : "v1",
                ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
        };
        await WriteLineAsync(context, bookmark.ToJsonString());
    }

    /// <returns>False when the stream was cut (the fault) and must end.</returns>
    private async Task<bool> WriteEventAsync(HttpContext context, string resource, string? ns, Filter selector, string kind, string type, JsonObject item)
    {
        if (kind != resource || (ns is not null && item["metadata"]?["namespace"]?.GetValue<string>() != ns) || !Selected(selector, item))
        {
            return true;
        }

        var line = new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }.ToJsonString();
        if (Interlocked.Exchange(ref _cutNextEvent, 0) == 1)
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line[..(line.Length / 2)]), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            context.Abort();
            return false;
        }

        if (Interlocked.Exchange(ref _garbleNextEvent, 0) == 1)
        {
            line = "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":" + "}}}garbage";
        }

        await WriteLineAsync(context, line);
        return true;
    }

    private static async Task WriteLineAsync(HttpContext context, string line)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>TokenReview or SubjectAccessReview: the review answered into the posted object, or 403 when the kind is denied.</summary>
    private async Task ReviewAsync(HttpContext context, string review)
    {
        lock (_gate)
        {
            _requests[$"create {review}"] = _requests.GetValueOrDefault($"create {review}") + 1;
        }

        var group = review == "tokenreviews" ? "authentication.k8s.io" : "authorization.k8s.io";
        bool denied;
        lock (_gate)
        {
            denied = _denied.Contains(review);
        }

        if (denied)
        {
            await Status(context, 403, "Forbidden", $"{review}.{group} is forbidden: User \"system:serviceaccount:meshscaler:meshscaler\" cannot create resource \"{review}\" in API group \"{group}\" at the cluster scope");
            return;
        }

        if (Reviews.Failing)
        {
            await Status(context, 500, "InternalError", "Internal error occurred: the fake API server fails reviews (FakeAccessReviews.Failing)");
            return;
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException ex)
        {
            await Status(context, 400, "BadRequest", $"the request body is not JSON: {ex.Message}");
            return;
        }

        if (body is null)
        {
            await Status(context, 400, "BadRequest", "the request body is not a JSON object");
            return;
        }

        var answer = review == "tokenreviews" ? Reviews.ReviewToken(body) : Reviews.ReviewAccess(body);
        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }

    private static string? ReviewRoute(string path) => path.TrimEnd('/') switch
    {
        "/apis/authentication.k8s.io/v1/tokenreviews" => "tokenreviews",
        "/apis/authorization.k8s.io/v1/subjectaccessreviews" => "subjectaccessreviews",
        _ => null,
    };

    /// <summary>(plural, namespace or null) for the paths KubernetesClient requests.</summary>
    private static (string Resource, string? Namespace)? Route(string path)
    {
        var parts = path.Trim('/').Split('/');
        return parts switch
        {
            ["api", "v1", var plural] when plural is "pods" or "configmaps" => (plural, null),
            ["api", "v1", "namespaces", var ns, var plural] when plural is "pods" or "configmaps" => (plural, ns),
            ["apis", FunctionMeshGroup, "v1alpha1", var plural] when CustomPlurals.Contains(plural) => (plural, null),
            ["apis", FunctionMeshGroup, "v1alpha1", "namespaces", var ns, var plural] when CustomPlurals.Contains(plural) => (plural, ns),
            _ => null,
        };
    }

    private sealed record Filter(LabelSelector Labels, string? Name);

    private static string ItemKind(string resource) => resource switch
    {
        "pods" => "Pod",
        "configmaps" => "ConfigMap",
        "functions" => "Function",
        "sinks" => "Sink",
        "sources" => "Source",
        _ => "FunctionMesh",
    };

    private static string ListKind(string resource) => ItemKind(resource) + "List";

    private static JsonObject StatusObject(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };

    private static async Task Status(HttpContext context, int code, string reason, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(StatusObject(code, reason, message).ToJsonString(), context.RequestAborted);
    }

    /// <summary>Whether <paramref name="item"/>'s labels are selected, as the API server's label selector matches them.</summary>
    private static bool Selected(Filter filter, JsonObject item)
    {
        if (filter.Name is not null && item["metadata"]?["name"]?.GetValue<string>() != filter.Name)
        {
            return false;
        }

        var selector = filter.Labels;
        if (selector.IsEverything)
        {
            return true;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item["metadata"]?["labels"] is JsonObject given)
        {
            foreach (var (key, value) in given)
            {
                if (value is JsonValue text && text.TryGetValue<string>(out var label))
                {
                    labels[key] = label;
                }
            }
        }

        return selector.Matches(labels);
    }
}
