using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using MeshScaler.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>
/// A Pulsar admin REST API on 127.0.0.1 over real HTTP (Kestrel), answering the topic endpoints MeshScaler uses
/// (<c>/stats</c>, <c>/partitioned-stats</c>, <c>/partitions</c>, the namespace lists) from <see cref="State"/>, with
/// faults settable at runtime, per-path request counters and an optional fake OAuth2 issuer.
/// </summary>
public sealed class PulsarAdminEmulator : IAsyncDisposable
{
    private const string AdminPrefix = "/admin/v2/persistent/";
    private const string TokenPath = "/oauth/token";

    private readonly WebApplication _app;
    private readonly TimeProvider _timeProvider;
    private readonly IPulsarWorkload? _workload;
    private readonly Lock _gate = new();
    private readonly List<(string Prefix, EmulatorFault Fault)> _faults = [];
    private readonly List<EmulatorRequest> _requests = [];
    private readonly ConcurrentQueue<string> _issuedTokens = new();
    private readonly HashSet<string> _revokedTokens = new(StringComparer.Ordinal);
    private string _ownerBroker = string.Empty;
    private (string ClientId, string ClientSecret, TimeSpan Lifetime)? _oauth;
    private int _tokenSequence;

    private PulsarAdminEmulator(WebApplication app, PulsarAdminEmulatorOptions options)
    {
        _app = app;
        _timeProvider = options.TimeProvider;
        _workload = options.Workload;
    }

    /// <summary>The emulated cluster's topics; change it at any time.</summary>
    public EmulatedPulsar State { get; } = new();

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Starts the emulator; dispose it to stop.</summary>
    public static async Task<PulsarAdminEmulator> StartAsync(PulsarAdminEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PulsarAdminEmulatorOptions();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        var app = builder.Build();
        var emulator = new PulsarAdminEmulator(app, options);
        app.Run(emulator.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        emulator.BaseAddress = new Uri(address);
        emulator._ownerBroker = $"{emulator.BaseAddress.Host}:{emulator.BaseAddress.Port}";
        return emulator;
    }

    /// <summary>Applies <paramref name="fault"/> to requests whose path starts with <paramref name="pathPrefix"/> (all when null), replacing a fault of the same kind there.</summary>
    public void SetFault(EmulatorFault fault, string? pathPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var prefix = pathPrefix ?? "/";
        lock (_gate)
        {
            _faults.RemoveAll(f => f.Prefix == prefix && f.Fault.Kind == fault.Kind);
            _faults.Add((prefix, fault));
        }
    }

    /// <summary>Removes the faults set for <paramref name="pathPrefix"/> (the global ones when null).</summary>
    public void ClearFault(string? pathPrefix = null)
    {
        var prefix = pathPrefix ?? "/";
        lock (_gate)
        {
            _faults.RemoveAll(f => f.Prefix == prefix);
        }
    }

    public void ClearAllFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Requests received whose decoded path starts with <paramref name="pathPrefix"/>.</summary>
    public int RequestCount(string pathPrefix = "/")
    {
        lock (_gate)
        {
            return _requests.Count(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal));
        }
    }

    /// <summary>Every request received so far, oldest first.</summary>
    public IReadOnlyList<EmulatorRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>
    /// Acts as an OAuth2 issuer: <c>/.well-known/openid-configuration</c> names <c>{BaseAddress}/oauth/token</c>,
    /// which issues <c>emu-token-N</c> for these client credentials with <c>expires_in</c> = <paramref name="tokenLifetime"/>.
    /// </summary>
    public void ConfigureOAuth2(string clientId, string clientSecret, TimeSpan tokenLifetime)
    {
        lock (_gate)
        {
            _oauth = (clientId, clientSecret, tokenLifetime);
        }
    }

    /// <summary>Access tokens issued so far, oldest first.</summary>
    public IReadOnlyList<string> IssuedTokens => [.. _issuedTokens];

    /// <summary>
    /// Revokes every access token issued so far: admin requests bearing one get 401 with a JSON reason, as Pulsar
    /// answers a token it no longer accepts. Tokens issued later are accepted.
    /// </summary>
    public void RevokeIssuedTokens()
    {
        lock (_gate)
        {
            _revokedTokens.UnionWith(_issuedTokens);
        }
    }

    /// <summary>Applies the workload for the emulator's current time.</summary>
    public void AdvanceWorkload() => _workload?.Advance(State, _timeProvider.GetUtcNow());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var query = queryStart < 0 ? string.Empty : rawTarget[queryStart..];
        var segments = rawPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var path = "/" + string.Join('/', segments);
        var request = context.Request;
        List<EmulatorFault> faults;
        bool revoked;
        lock (_gate)
        {
            var authorization = request.Headers.Authorization.ToString();
            revoked = authorization.StartsWith("Bearer ", StringComparison.Ordinal) && _revokedTokens.Contains(authorization["Bearer ".Length..]);
            _requests.Add(new EmulatorRequest(
                request.Method,
                path,
                query,
                request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null,
                request.Headers.TryGetValue("X-Pulsar-Auth-Method-Name", out var method) ? method.ToString() : null,
                _timeProvider.GetUtcNow()));
            faults = [.. _faults.Where(f => path.StartsWith(f.Prefix, StringComparison.Ordinal)).Select(f => f.Fault)];
        }

        if (path == "/.well-known/openid-configuration" || path == TokenPath)
        {
            await HandleOAuthAsync(context, path);
            return;
        }

        if (revoked)
        {
            await WriteReasonAsync(context, StatusCodes.Status401Unauthorized, "Failed to authentication token: JWT expired or revoked");
            return;
        }

        if (await ApplyFaultsAsync(context, faults, path, rawPath, query))
        {
            return;
        }

        AdvanceWorkload();
        if (!HttpMethods.IsGet(request.Method))
        {
            await WriteReasonAsync(context, StatusCodes.Status405MethodNotAllowed, "HTTP 405 Method Not Allowed");
            return;
        }

        await RouteAsync(context, path, segments);
    }

    /// <summary>Returns true when a fault has answered the request.</summary>
    private async Task<bool> ApplyFaultsAsync(HttpContext context, List<EmulatorFault> faults, string path, string rawPath, string query)
    {
        EmulatorFault? Find(EmulatorFaultKind kind) => faults.LastOrDefault(f => f.Kind == kind);

        if (Find(EmulatorFaultKind.Refuse) is not null)
        {
            context.Abort();
            return true;
        }

        if (Find(EmulatorFaultKind.Slow) is { } slow)
        {
            await Task.Delay(slow.Delay, _timeProvider, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (context.RequestAborted.IsCancellationRequested)
            {
                return true;
            }
        }

        if (Find(EmulatorFaultKind.RequireToken) is { } requireToken)
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            if (authorization.Length == 0)
            {
                await WriteServletAuthenticationPageAsync(context, path);
                return true;
            }

            if (authorization != $"Bearer {requireToken.Token}")
            {
                await WriteReasonAsync(
                    context,
                    StatusCodes.Status401Unauthorized,
                    $"Unauthorized to validateTopicOperation for operation [GET_STATS] on topic [{TopicOf(path)}]");
                return true;
            }
        }

        if (Find(EmulatorFaultKind.RedirectTo) is { } redirect)
        {
            var location = new UriBuilder(redirect.Target!) { Path = rawPath, Query = WithAuthoritativeFalse(query) };
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = location.Uri.AbsoluteUri;
            return true;
        }

        if (Find(EmulatorFaultKind.NotFound) is not null)
        {
            await WriteReasonAsync(context, StatusCodes.Status404NotFound, $"Topic {TopicOf(path)} not found");
            return true;
        }

        if (Find(EmulatorFaultKind.ServerError) is not null)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(JavaErrorPage);
            return true;
        }

        if (Find(EmulatorFaultKind.Garbage) is not null)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"msgRateIn\": 12.5, \"subscriptions\": {\"x\": <html>oops");
            return true;
        }

        return false;
    }

    private async Task RouteAsync(HttpContext context, string path, string[] segments)
    {
        // segments: admin, v2, persistent, tenant, namespace[, topic, action | partitioned]
        if (!path.StartsWith(AdminPrefix, StringComparison.Ordinal) || segments.Length < 5)
        {
            await WriteReasonAsync(context, StatusCodes.Status404NotFound, "HTTP 404 Not Found");
            return;
        }

        var (tenant, ns) = (segments[3], segments[4]);
        if (segments.Length == 5)
        {
            var names = State.InNamespace(tenant, ns)
                .SelectMany(t => t.Partitions == 0
                    ? [t.Name.FullName]
                    : Enumerable.Range(0, t.Partitions).Select(i => t.Name.Partition(i).FullName));
            await WriteJsonAsync(context, StatusCodes.Status200OK, JsonArray(names));
            return;
        }

        if (segments.Length == 6 && segments[5] == "partitioned")
        {
            var names = State.InNamespace(tenant, ns).Where(t => t.Partitions > 0).Select(t => t.Name.FullName);
            await WriteJsonAsync(context, StatusCodes.Status200OK, JsonArray(names));
            return;
        }

        if (segments.Length != 7)
        {
            await WriteReasonAsync(context, StatusCodes.Status404NotFound, "HTTP 404 Not Found");
            return;
        }

        var topic = new TopicName(tenant, ns, segments[5]);
        var now = _timeProvider.GetUtcNow();
        switch (segments[6])
        {
            case "partitions":
                // Without checkAllowAutoCreation Pulsar answers 0 for unknown topics too.
                var count = State.Find(topic)?.Partitions ?? 0;
                await WriteJsonAsync(context, StatusCodes.Status200OK, $"{{\"partitions\":{count.ToString(CultureInfo.InvariantCulture)}}}");
                return;
            case "partitioned-stats":
                var partitioned = State.Find(topic);
                if (partitioned is null || partitioned.Partitions == 0)
                {
                    await WriteReasonAsync(context, StatusCodes.Status404NotFound, $"Partitioned Topic {topic.FullName} not found");
                    return;
                }

                await WriteJsonAsync(context, StatusCodes.Status200OK, PulsarStatsWriter.PartitionedStats(partitioned, now, _ownerBroker, EarliestAsked(context)));
                return;
            case "stats":
                var (snapshot, partition) = FindForStats(topic);
                if (snapshot is null)
                {
                    await WriteReasonAsync(context, StatusCodes.Status404NotFound, $"Topic {topic.FullName} not found");
                    return;
                }

                await WriteJsonAsync(context, StatusCodes.Status200OK, PulsarStatsWriter.TopicStats(snapshot, partition, now, _ownerBroker, EarliestAsked(context)));
                return;
            default:
                await WriteReasonAsync(context, StatusCodes.Status404NotFound, "HTTP 404 Not Found");
                return;
        }
    }

    /// <summary>A non-partitioned topic, or one partition (<c>x-partition-N</c>) of a partitioned one.</summary>
    private (TopicSnapshot? Topic, int Partition) FindForStats(TopicName topic)
    {
        var direct = State.Find(topic);
        if (direct is not null)
        {
            return direct.Partitions == 0 ? (direct, 0) : (null, 0);
        }

        if (topic.TryGetPartition(out var name, out var index)
            && State.Find(name) is { } parent
            && index < parent.Partitions)
        {
            return (parent, index);
        }

        return (null, 0);
    }

    private async Task HandleOAuthAsync(HttpContext context, string path)
    {
        (string ClientId, string ClientSecret, TimeSpan Lifetime)? oauth;
        lock (_gate)
        {
            oauth = _oauth;
        }

        if (oauth is null)
        {
            await WriteReasonAsync(context, StatusCodes.Status404NotFound, "OAuth2 issuer not configured");
            return;
        }

        if (path != TokenPath)
        {
            var issuer = BaseAddress.AbsoluteUri.TrimEnd('/');
            await WriteJsonAsync(context, StatusCodes.Status200OK, $"{{\"issuer\":\"{issuer}\",\"token_endpoint\":\"{issuer}{TokenPath}\"}}");
            return;
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
        if (form is null || form["grant_type"] != "client_credentials")
        {
            await WriteJsonAsync(context, StatusCodes.Status400BadRequest, "{\"error\":\"unsupported_grant_type\"}");
            return;
        }

        if (form["client_id"] != oauth.Value.ClientId || form["client_secret"] != oauth.Value.ClientSecret)
        {
            await WriteJsonAsync(context, StatusCodes.Status401Unauthorized, "{\"error\":\"invalid_client\",\"error_description\":\"bad client credentials\"}");
            return;
        }

        var token = $"emu-token-{Interlocked.Increment(ref _tokenSequence)}";
        _issuedTokens.Enqueue(token);
        var seconds = (long)oauth.Value.Lifetime.TotalSeconds;
        await WriteJsonAsync(
            context,
            StatusCodes.Status200OK,
            $"{{\"access_token\":\"{token}\",\"token_type\":\"Bearer\",\"expires_in\":{seconds.ToString(CultureInfo.InvariantCulture)}}}");
    }

    private static string TopicOf(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 6 ? $"persistent://{segments[3]}/{segments[4]}/{segments[5]}" : path;
    }

    private static string WithAuthoritativeFalse(string query)
    {
        var parts = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("authoritative=", StringComparison.Ordinal))
            .Append("authoritative=false");
        return string.Join('&', parts);
    }

    private static string JsonArray(IEnumerable<string> names) =>
        "[" + string.Join(',', names.Select(n => System.Text.Json.JsonSerializer.Serialize(n, EmulatorJsonContext.Default.String))) + "]";

    private static Task WriteReasonAsync(HttpContext context, int status, string reason) =>
        WriteJsonAsync(context, status, $"{{\"reason\":{System.Text.Json.JsonSerializer.Serialize(reason, EmulatorJsonContext.Default.String)}}}");

    private static Task WriteJsonAsync(HttpContext context, int status, string json) =>
        WriteJsonAsync(context, status, Encoding.UTF8.GetBytes(json));

    private static async Task WriteJsonAsync(HttpContext context, int status, byte[] json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json);
    }

    private static async Task WriteServletAuthenticationPageAsync(HttpContext context, string path)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/html;charset=iso-8859-1";
        await context.Response.WriteAsync(
            "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n" +
            "<title>Error 401 Authentication required</title>\n</head>\n<body><h2>HTTP ERROR 401 Authentication required</h2>\n" +
            $"<table>\n<tr><th>URI:</th><td>{WebUtility.HtmlEncode(path)}</td></tr>\n<tr><th>STATUS:</th><td>401</td></tr>\n" +
            "<tr><th>MESSAGE:</th><td>Authentication required</td></tr>\n<tr><th>SERVLET:</th><td>-</td></tr>\n</table>\n\n</body>\n</html>\n");
    }

    private const string JavaErrorPage =
        "\n --- An unexpected error occurred in the server ---\n\n" +
        "Message: java.util.concurrent.CompletionException: org.apache.pulsar.broker.service.BrokerServiceException: emulated failure\n\n" +
        "Stacktrace:\n\n" +
        "java.util.concurrent.CompletionException: org.apache.pulsar.broker.service.BrokerServiceException: emulated failure\n" +
        "\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:332)\n" +
        "\tat org.apache.pulsar.broker.admin.impl.PersistentTopicsBase.internalGetStats(PersistentTopicsBase.java:1312)\n" +
        "\tat org.apache.pulsar.broker.admin.v2.PersistentTopics.getStats(PersistentTopics.java:1176)\n";

    /// <summary>A broker reads the oldest backlog message's publish time only when asked (it costs a read per subscription).</summary>
    private static bool EarliestAsked(HttpContext context) =>
        string.Equals(context.Request.Query["getEarliestTimeInBacklog"], "true", StringComparison.OrdinalIgnoreCase);
}
