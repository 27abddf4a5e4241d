using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshScaler.Hosting;
using MeshScaler.Kubernetes;
using Microsoft.Extensions.Options;

namespace MeshScaler.MetricsApi;

/// <summary>
/// Authentication as kube-apiserver's extension servers do it (<c>authenticatorfactory/delegating.go</c>), in order:
/// <list type="number">
/// <item>the front proxy: a client certificate that chains to <c>requestheader-client-ca-file</c> (for client
/// authentication) with an allowed common name vouches for the <c>X-Remote-*</c> headers;</item>
/// <item>an ordinary client certificate that chains to <c>client-ca-file</c>: the CN is the user, the O values the groups;</item>
/// <item>a bearer token, by TokenReview (cached).</item>
/// </list>
/// Anonymous requests are refused. Identity headers that no trusted certificate vouches for are removed and never
/// believed. The trust is <c>kube-system/extension-apiserver-authentication</c> as last read, so a rotated CA counts
/// from its watch event on.
/// </summary>
internal sealed class ApiAuthenticator(IClusterReviews cluster, IOptions<MetricsApiOptions> options, TimeProvider time, ILogger<ApiAuthenticator> logger)
{
    private const string Authenticated = "system:authenticated";

    /// <summary>The user, or the 401 to answer.</summary>
    public async Task<(ApiUser? User, ApiStatus? Failure)> AuthenticateAsync(HttpContext context)
    {
        var trust = cluster.Trust;
        var certificate = context.Connection.ClientCertificate;
        var request = context.Request;
        var connection = ConnectionAuthCache.Of(context);
        var verdict = certificate is null || trust is null ? CertificateVerdict.None : Verify(connection, certificate, trust);

        ApiUser? user = null;
        if (verdict == CertificateVerdict.FrontProxy)
        {
            user = FromHeaders(request.Headers, trust!);
        }

        // Whoever sent them, identity headers are gone from here on: believed only just above, forwarded never.
        RemoveIdentityHeaders(request.Headers, trust);
        if (user is null && verdict == CertificateVerdict.Client)
        {
            user = new ApiUser(
                certificate!.GetNameInfo(X509NameType.SimpleName, forIssuer: false),
                null,
                [.. certificate.SubjectName.EnumerateRelativeDistinguishedNames().Where(n => n.GetSingleElementType().Value == "2.5.4.10").Select(n => n.GetSingleElementValue()!)],
                new Dictionary<string, IReadOnlyList<string>>());
        }

        if (user is null && request.Headers.Authorization.ToString() is { Length: > 7 } authorization
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            // The same token on the same connection within the token TTL: the user it was reviewed as.
            var now = time.GetUtcNow().UtcTicks;
            if (connection?.UserOf(authorization, now) is { } known)
            {
                return (known, null);
            }

            try
            {
                user = await cluster.ReviewTokenAsync(authorization[7..].Trim(), context.RequestAborted);
                if (user is not null && connection is not null)
                {
                    user = WithAuthenticated(user);
                    connection.SetUser(authorization, user, now + options.Value.TokenCacheTtl.Ticks);
                }
            }
            catch (ClusterReviewException ex)
            {
                MetricsApiLog.TokenReviewFailed(logger, ex.Message);
                return (null, ApiStatus.Unauthorized($"Unauthorized: the bearer token could not be reviewed: {ex.Message}"));
            }

            if (user is null)
            {
                return (null, ApiStatus.Unauthorized("Unauthorized: the API server does not accept the bearer token (TokenReview: not authenticated)"));
            }
        }

        if (user is null)
        {
            var why = certificate is null
                ? "no client certificate and no bearer token"
                : trust is null
                    ? $"a client certificate, but the cluster's trust is not known: {cluster.TrustError}"
                    : $"a client certificate ({certificate.Subject}) that chains to neither the front proxy's CA with an allowed name and an X-Remote-User header, nor the client CA";
            return (null, ApiStatus.Unauthorized($"Unauthorized: anonymous requests are refused ({why}); the aggregator's front-proxy certificate, client certificates and bearer tokens are accepted"));
        }

        return (WithAuthenticated(user), null);
    }

    private static ApiUser WithAuthenticated(ApiUser user) => user.Groups.Contains(Authenticated) ? user : user with { Groups = [.. user.Groups, Authenticated] };

    /// <summary>What the certificate proves, checked once per connection and trust (a TLS connection keeps its certificate).</summary>
    private CertificateVerdict Verify(ConnectionAuthCache? connection, X509Certificate2 certificate, AuthenticationTrust trust)
    {
        if (connection is not null && connection.TryGetVerdict(trust, out var cached))
        {
            return (CertificateVerdict)cached;
        }

        var verdict = CertificateVerdict.None;
        if (Chains(certificate, trust.RequestHeaderCa))
        {
            var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            if (trust.AllowedNames.Count == 0 || trust.AllowedNames.Contains(name))
            {
                verdict = CertificateVerdict.FrontProxy;
            }
            else
            {
                MetricsApiLog.FrontProxyNameRefused(logger, name, string.Join(", ", trust.AllowedNames));
            }
        }

        if (verdict == CertificateVerdict.None && Chains(certificate, trust.ClientCa))
        {
            verdict = CertificateVerdict.Client;
        }

        connection?.SetVerdict(trust, verdict);
        return verdict;
    }

    /// <summary>True when the certificate chains to one of <paramref name="authorities"/> alone, for client authentication.</summary>
    private static bool Chains(X509Certificate2 certificate, X509Certificate2Collection authorities) =>
        CertificateTrust.Chains(certificate, authorities, CertificateTrust.ClientAuthentication, null, out _);

    /// <summary>
    /// The front proxy's user: the first non-empty username header, every value of the group headers, and the extra
    /// headers (key lowercased, then percent-decoded); none when no username header has a value.
    /// </summary>
    private static ApiUser? FromHeaders(IHeaderDictionary headers, AuthenticationTrust trust)
    {
        var name = trust.UsernameHeaders.Select(h => headers[h].FirstOrDefault(v => !string.IsNullOrEmpty(v))).FirstOrDefault(v => v is not null);
        if (name is null)
        {
            return null;
        }

        var groups = trust.GroupHeaders.SelectMany(h => headers[h]).Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList();
        var uid = trust.UidHeaders.Select(h => headers[h].FirstOrDefault(v => !string.IsNullOrEmpty(v))).FirstOrDefault(v => v is not null);
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (header, values) in headers)
        {
            var prefix = trust.ExtraHeaderPrefixes.FirstOrDefault(p => header.StartsWith(p, StringComparison.OrdinalIgnoreCase) && header.Length > p.Length);
            if (prefix is not null)
            {
                var key = Uri.UnescapeDataString(header[prefix.Length..].ToLowerInvariant());
                extra[key] = [.. (extra.TryGetValue(key, out var seen) ? seen : []), .. values.Where(v => v is not null).Select(v => v!)];
            }
        }

        return new ApiUser(name, uid, groups, extra);
    }

    /// <summary>The configured identity headers, and kube-apiserver's defaults whatever the configuration says.</summary>
    private static void RemoveIdentityHeaders(IHeaderDictionary headers, AuthenticationTrust? trust)
    {
        List<string>? identity = null;
        foreach (var (header, _) in headers)
        {
            if (IsIdentityHeader(header, trust))
            {
                (identity ??= []).Add(header);
            }
        }

        identity?.ForEach(h => headers.Remove(h));
    }

    private static bool IsIdentityHeader(string header, AuthenticationTrust? trust)
    {
        // Every identity header kube-apiserver knows starts X-Remote- unless the ConfigMap renames them: the cheap test first.
        if (header.StartsWith("X-Remote-", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (trust is null)
        {
            return false;
        }

        static bool Named(IReadOnlyList<string> names, string header)
        {
            foreach (var name in names)
            {
                if (string.Equals(name, header, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var prefix in trust.ExtraHeaderPrefixes)
        {
            if (header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return Named(trust.UsernameHeaders, header) || Named(trust.GroupHeaders, header) || Named(trust.UidHeaders, header);
    }

    private enum CertificateVerdict
    {
        None,
        FrontProxy,
        Client,
    }
}
