using System.Text.Json.Nodes;

namespace MeshScaler.Emulation.Kubernetes;

/// <summary>
/// The fake API server's TokenReview and SubjectAccessReview answers, with a small RBAC: tokens known by
/// <see cref="AddToken"/>, and rules that allow or deny a user or group a verb on resources or non-resource paths. As in
/// a real cluster, ClusterRole <c>system:discovery</c> (GET on <c>/apis</c>, <c>/openapi</c>, the probes and below)
/// is bound to <c>system:authenticated</c>. Every review is counted and the last ones kept, for tests to assert on.
/// </summary>
public sealed class FakeAccessReviews
{
    private static readonly string[] DiscoveryPaths = ["/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*", "/version", "/healthz", "/livez", "/readyz"];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string User, string[] Groups)> _tokens = new(StringComparer.Ordinal);
    private readonly List<Rule> _rules = [.. DiscoveryPaths.Select(p => new Rule("system:authenticated", "get", null, null, p, Allowed: true))];
    private readonly List<JsonObject> _accessSpecs = [];
    private int _tokenReviews;
    private int _accessReviews;

    /// <summary>Answer every review with HTTP 500, as an overloaded or broken API server does.</summary>
    public bool Failing { get; set; }

    public int TokenReviews => Volatile.Read(ref _tokenReviews);

    public int AccessReviews => Volatile.Read(ref _accessReviews);

    /// <summary>The specs of the SubjectAccessReviews asked so far (the last 1,000).</summary>
    public IReadOnlyList<JsonObject> AccessSpecs
    {
        get
        {
            lock (_gate)
            {
                return [.. _accessSpecs];
            }
        }
    }

    /// <summary>A bearer token the TokenReview authenticates as <paramref name="user"/> (with <c>system:authenticated</c> added).</summary>
    public void AddToken(string token, string user, params string[] groups)
    {
        lock (_gate)
        {
            _tokens[token] = (user, [.. groups, "system:authenticated"]);
        }
    }

    public void RemoveToken(string token)
    {
        lock (_gate)
        {
            _tokens.Remove(token);
        }
    }

    /// <summary>Allows <paramref name="subject"/> (a user or group) <paramref name="verb"/> on <paramref name="resource"/> (<c>resource</c> or <c>resource/subresource</c>; <c>*</c> for all) in <paramref name="group"/>.</summary>
    public void Allow(string subject, string verb, string group, string resource) => Add(new Rule(subject, verb, group, resource, null, Allowed: true));

    /// <summary>An explicit deny (a webhook's <c>denied: true</c>), which wins over any allow.</summary>
    public void Deny(string subject, string verb, string group, string resource) => Add(new Rule(subject, verb, group, resource, null, Allowed: false));

    /// <summary>Allows GET on a non-resource path (a trailing <c>*</c> matches below it).</summary>
    public void AllowPath(string subject, string path) => Add(new Rule(subject, "get", null, null, path, Allowed: true));

    internal JsonObject ReviewToken(JsonObject review)
    {
        Interlocked.Increment(ref _tokenReviews);
        var token = review["spec"]?["token"]?.GetValue<string>() ?? string.Empty;
        (string User, string[] Groups) known;
        bool found;
        lock (_gate)
        {
            found = _tokens.TryGetValue(token, out known);
        }

        review["status"] = found
            ? new JsonObject
            {
                ["authenticated"] = true,
                ["user"] = new JsonObject
                {
                    ["username"] = known.User,
                    ["uid"] = $"uid-{known.User}",
                    ["groups"] = new JsonArray([.. known.Groups.Select(g => (JsonNode)g)]),
                },
            }
            : new JsonObject { ["authenticated"] = false, ["error"] = "invalid bearer token" };
        return review;
    }

    internal JsonObject ReviewAccess(JsonObject review)
    {
        Interlocked.Increment(ref _accessReviews);
        var spec = review["spec"]?.AsObject() ?? new JsonObject();
        var user = spec["user"]?.GetValue<string>() ?? string.Empty;
        var groups = spec["groups"]?.AsArray().Select(g => g!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
        var resource = spec["resourceAttributes"] as JsonObject;
        var nonResource = spec["nonResourceAttributes"] as JsonObject;
        List<Rule> matching;
        lock (_gate)
        {
            _accessSpecs.Add(spec.DeepClone().AsObject());
            if (_accessSpecs.Count > 1000)
            {
                _accessSpecs.RemoveAt(0);
            }

            matching = [.. _rules.Where(r => (r.Subject == user || groups.Contains(r.Subject)) && Matches(r, resource, nonResource))];
        }

        var denied = matching.FirstOrDefault(r => !r.Allowed);
        var allowed = matching.FirstOrDefault(r => r.Allowed);
        review["status"] = denied is not null
            ? new JsonObject { ["allowed"] = false, ["denied"] = true, ["reason"] = $"denied for {denied.Subject}" }
            : allowed is not null
                ? new JsonObject { ["allowed"] = true, ["reason"] = $"RBAC: allowed for {allowed.Subject}" }
                : new JsonObject { ["allowed"] = false, ["reason"] = string.Empty };
        return review;
    }

    private void Add(Rule rule)
    {
        lock (_gate)
        {
            _rules.Add(rule);
        }
    }

    private static bool Matches(Rule rule, JsonObject? resource, JsonObject? nonResource)
    {
        if (rule.Path is { } path)
        {
            var requested = nonResource?["path"]?.GetValue<string>();
            return requested is not null && nonResource!["verb"]?.GetValue<string>() == rule.Verb
                && (path.EndsWith('*') ? requested.StartsWith(path[..^1], StringComparison.Ordinal) : requested == path);
        }

        if (resource is null)
        {
            return false;
        }

        string? Text(string name) => resource[name]?.GetValue<string>();
        var requestedResource = Text("subresource") is { Length: > 0 } sub ? $"{Text("resource")}/{sub}" : Text("resource");
        return (rule.Verb == "*" || rule.Verb == Text("verb"))
            && (rule.Group == "*" || rule.Group == (Text("group") ?? string.Empty))
            && (rule.Resource == "*" || rule.Resource == requestedResource);
    }

    private sealed record Rule(string Subject, string Verb, string? Group, string? Resource, string? Path, bool Allowed);
}
