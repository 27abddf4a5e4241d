using System.Collections.Concurrent;
using MeshScaler.Kubernetes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace MeshScaler.MetricsApi;

/// <summary>
/// What one TLS connection has already proven, so its next requests skip the work: the client certificate's verdict
/// (a connection keeps its certificate), the user its bearer token was reviewed as, and the paths that user was allowed,
/// each kept no longer than the cluster-wide caches keep the same answer. The aggregator and a bearer-token client
/// send every request over the same few connections. HTTP/2 runs a connection's streams concurrently, so every read is
/// lock-free: immutable entries swapped whole.
/// </summary>
internal sealed class ConnectionAuthCache
{
    private const int MaxPaths = 256;
    private static readonly object Key = new();

    private readonly ConcurrentDictionary<string, Allowance> _allowed = new(StringComparer.Ordinal);
    private Verdict? _verdict;
    private TokenUser? _token;

    /// <summary>
    /// Kestrel connection middleware for the metrics API's listener: every connection gets its cache before its first
    /// request, so requests (concurrent on HTTP/2) only ever read the connection's items.
    /// </summary>
    public static ConnectionDelegate Attach(ConnectionDelegate next) => connection =>
    {
        connection.Items[Key] = new ConnectionAuthCache();
        return next(connection);
    };

    /// <summary>The connection's cache; null on a connection <see cref="Attach"/> did not see.</summary>
    public static ConnectionAuthCache? Of(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items is { } items && items.TryGetValue(Key, out var cache) ? cache as ConnectionAuthCache : null;

    public bool TryGetVerdict(AuthenticationTrust trust, long now, out object verdict)
    {
        if (Volatile.Read(ref _verdict) is { } known && ReferenceEquals(known.Trust, trust) && now < known.Expires)
        {
            verdict = known.Value;
            return true;
        }

        verdict = null!;
        return false;
    }

    /// <param name="expires">When to check again: a proof when its chain expires, a refusal after a while.</param>
    public void SetVerdict(AuthenticationTrust trust, object verdict, long expires) => Volatile.Write(ref _verdict, new Verdict(trust, verdict, expires));

    public ApiUser? UserOf(string token, long now) =>
        Volatile.Read(ref _token) is { } known && now < known.Expires && string.Equals(known.Token, token, StringComparison.Ordinal) ? known.User : null;

    /// <param name="expires">When the cluster-wide cache stops giving the same review: never later.</param>
    public void SetUser(string token, ApiUser user, long expires) => Volatile.Write(ref _token, new TokenUser(token, user, expires));

    public bool Allowed(ApiUser user, string path, long now) =>
        _allowed.TryGetValue(path, out var known) && now < known.Expires && SameUser(known.User, user);

    /// <summary>
    /// The same user: the same instance (a bearer token's, reviewed once per connection), or the same name, uid, groups
    /// and extras (the front proxy's, read from its headers on every request), as the cluster-wide cache keys them.
    /// </summary>
    private static bool SameUser(ApiUser known, ApiUser user) =>
        ReferenceEquals(known, user)
        || (known.Name == user.Name && known.Uid == user.Uid && known.Groups.SequenceEqual(user.Groups, StringComparer.Ordinal)
            && known.Extra.Count == user.Extra.Count
            && known.Extra.All(e => user.Extra.TryGetValue(e.Key, out var values) && values.SequenceEqual(e.Value, StringComparer.Ordinal)));

    /// <param name="expires">When the cluster-wide cache stops giving the same review: never later.</param>
    public void SetAllowed(ApiUser user, string path, long expires)
    {
        if (_allowed.Count >= MaxPaths)
        {
            _allowed.Clear();
        }

        _allowed[path] = new Allowance(user, expires);
    }

    private sealed record Verdict(AuthenticationTrust Trust, object Value, long Expires);

    private sealed record TokenUser(string Token, ApiUser User, long Expires);

    private sealed record Allowance(ApiUser User, long Expires);
}
