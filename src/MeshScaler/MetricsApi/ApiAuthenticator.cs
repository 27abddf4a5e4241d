using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshScaler.Hosting;
using MeshScaler.Kubernetes;

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
internal sealed class ApiAuthenticator(IClusterReviews cluster, ILogger<ApiAuthenticator> logger)
{
    private const string Authenticated = "system:authenticated";
    private const string Unauthenticated = "system:unauthenticated";
    private const string Anonymous = "system:anonymous";

    private const string RemotePrefix = "X-Remote-";

    private Renaming? _renaming;

    /// <summary>How long a connection's refused certificate stays refused without a new check (unless the trust changes).</summary>
    private static readonly TimeSpan RefusalKept = TimeSpan.FromMinutes(1);

    /// <summary>The user, or the 401 to answer.</summary>
    /// <param name="connection">The request's connection's cache (<see cref="ConnectionAuthCache.Of"/>); null on none.</param>
    /// <param name="now">The request's time, in UTC ticks.</param>
    public async ValueTask<(ApiUser? User, ApiStatus? Failure)> AuthenticateAsync(HttpContext context, ConnectionAuthCache? connection, long now)
    {
        var trust = cluster.Trust;
        var certificate = context.Connection.ClientCertificate;
        var request = context.Request;
        var proof = certificate is null || trust is null ? CertificateProof.None : Verify(context, connection, certificate, trust, now);

        ApiUser? user = null;
        if (proof.Verdict == CertificateVerdict.FrontProxy)
        {
            user = FromHeaders(request.Headers, trust!);
        }

        // Whoever sent them, identity headers are gone from here on: believed only just above, forwarded never.
        RemoveIdentityHeaders(request.Headers, trust);
        if (user is null && proof.Verdict == CertificateVerdict.Client)
        {
            user = new ApiUser(proof.Subject!.CommonName, null, proof.Subject.Organizations, new Dictionary<string, IReadOnlyList<string>>());
        }

        if (user is null && request.Headers.Authorization.ToString() is { Length: > 7 } authorization
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            // The same token on the same connection while the cluster-wide cache keeps its review: the same user.
            if (connection?.UserOf(authorization, now) is { } known)
            {
                return (known, null);
            }

            try
            {
                var reviewed = await cluster.ReviewTokenAsync(authorization[7..].Trim(), context.RequestAborted);
                user = reviewed.Answer;
                if (user is not null && connection is not null)
                {
                    user = WithAuthenticated(user);
                    connection.SetUser(authorization, user, reviewed.Expires.UtcTicks);
                }
            }
            catch (ClusterReviewException ex)
            {
                // The detail (the API server's own answer) is logged once per outage (event 6003); an unauthenticated
                // caller learns only our words.
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
                    : $"a client certificate ({certificate.Subject}) that chains to neither the front proxy's CA with an allowed name and an X-Remote-User header, nor the client CA with a common name";
            return (null, ApiStatus.Unauthorized($"Unauthorized: anonymous requests are refused ({why}); the aggregator's front-proxy certificate, client certificates and bearer tokens are accepted"));
        }

        return (WithAuthenticated(user), null);
    }

    /// <summary>
    /// <c>system:authenticated</c> added as kube-apiserver's AuthenticatedGroupAdder does: not to <c>system:anonymous</c>
    /// (a front proxy may forward one), nor to a user already in it or in <c>system:unauthenticated</c>.
    /// </summary>
    private static ApiUser WithAuthenticated(ApiUser user) =>
        user.Name == Anonymous || user.Groups.Contains(Authenticated) || user.Groups.Contains(Unauthenticated)
            ? user
            : user with { Groups = [.. user.Groups, Authenticated] };

    /// <summary>
    /// What the certificate proves, checked once per connection and trust (a TLS connection keeps its certificate): a
    /// proof until the first certificate of its chain expires, a refusal for <see cref="RefusalKept"/> (a certificate
    /// not yet valid may become so; an expired one is not checked, nor logged, on every request).
    /// </summary>
    private CertificateProof Verify(HttpContext context, ConnectionAuthCache? connection, X509Certificate2 certificate, AuthenticationTrust trust, long now)
    {
        if (connection is not null && connection.TryGetVerdict(trust, now, out var cached))
        {
            return (CertificateProof)cached;
        }

        var subject = CertificateSubject.Read(certificate.SubjectName, out var error);
        if (subject is null)
        {
            MetricsApiLog.CertificateRefused(logger, certificate.Subject, error);
        }

        var intermediates = PresentedIntermediates.Of(context);
        var proof = CertificateProof.None;
        var validUntil = DateTime.MinValue;
        if (subject is not null && Chains(certificate, trust.RequestHeaderCa, intermediates, out var frontProxyUntil))
        {
            // kube-apiserver compares the allowed names with the CN alone; an empty CN is never one of them.
            if (trust.AllowedNames.Count == 0 || (subject.CommonName.Length > 0 && trust.AllowedNames.Contains(subject.CommonName)))
            {
                (proof, validUntil) = (new CertificateProof(CertificateVerdict.FrontProxy, subject), frontProxyUntil);
            }
            else
            {
                MetricsApiLog.FrontProxyNameRefused(logger, subject.CommonName, string.Join(", ", trust.AllowedNames));
            }
        }

        // A client certificate's CN is its user: without one there is no user (kube-apiserver's CommonNameUserConversion).
        if (proof.Verdict == CertificateVerdict.None && subject is { CommonName.Length: > 0 } && Chains(certificate, trust.ClientCa, intermediates, out var clientUntil))
        {
            (proof, validUntil) = (new CertificateProof(CertificateVerdict.Client, subject), clientUntil);
        }

        connection?.SetVerdict(trust, proof, proof.Verdict == CertificateVerdict.None ? now + RefusalKept.Ticks : validUntil.Ticks);
        return proof;
    }

    /// <summary>True when the certificate chains to one of <paramref name="authorities"/> alone, for client authentication.</summary>
    private static bool Chains(X509Certificate2 certificate, X509Certificate2Collection authorities, IReadOnlyList<X509Certificate2> intermediates, out DateTime validUntil) =>
        CertificateTrust.Chains(certificate, authorities, CertificateTrust.ClientAuthentication, intermediates, out _, out validUntil);

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
    private void RemoveIdentityHeaders(IHeaderDictionary headers, AuthenticationTrust? trust)
    {
        // Every identity header kube-apiserver knows starts X-Remote- unless the ConfigMap renames them: when it names
        // none other (the usual case, decided once per trust), that prefix alone is the test.
        var renamed = trust is not null && Renames(trust);
        List<string>? identity = null;
        foreach (var (header, _) in headers)
        {
            if (header.StartsWith(RemotePrefix, StringComparison.OrdinalIgnoreCase) || (renamed && IsConfiguredIdentityHeader(header, trust!)))
            {
                (identity ??= []).Add(header);
            }
        }

        identity?.ForEach(h => headers.Remove(h));
    }

    /// <summary>Whether the trust names an identity header outside <c>X-Remote-</c>; remembered for the trust last asked about.</summary>
    private bool Renames(AuthenticationTrust trust)
    {
        if (Volatile.Read(ref _renaming) is { } known && ReferenceEquals(known.Trust, trust))
        {
            return known.Renames;
        }

        static bool Outside(IReadOnlyList<string> names) => names.Any(n => !n.StartsWith(RemotePrefix, StringComparison.OrdinalIgnoreCase));
        var renames = Outside(trust.UsernameHeaders) || Outside(trust.GroupHeaders) || Outside(trust.UidHeaders) || Outside(trust.ExtraHeaderPrefixes);
        Volatile.Write(ref _renaming, new Renaming(trust, renames));
        return renames;
    }

    private static bool IsConfiguredIdentityHeader(string header, AuthenticationTrust trust)
    {
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

    private sealed record Renaming(AuthenticationTrust Trust, bool Renames);

    private sealed record CertificateProof(CertificateVerdict Verdict, CertificateSubject? Subject)
    {
        public static readonly CertificateProof None = new(CertificateVerdict.None, null);
    }

    private enum CertificateVerdict
    {
        None,
        FrontProxy,
        Client,
    }
}
