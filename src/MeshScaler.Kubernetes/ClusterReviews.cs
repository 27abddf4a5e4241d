using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Kubernetes;

/// <summary>Who made a request, as an API server's authenticators report it.</summary>
public sealed record ApiUser(string Name, string? Uid, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, IReadOnlyList<string>> Extra);

/// <summary>
/// One authorization question, as kube-apiserver derives it from a request (<c>requestinfo.go</c>): a resource request
/// (<see cref="Resource"/> set) or a non-resource one (<see cref="Path"/>).
/// </summary>
public sealed record AccessRequest(
    ApiUser User, string Verb, string? Path = null, string? Namespace = null, string? Group = null, string? Version = null,
    string? Resource = null, string? Subresource = null, string? Name = null);

public enum AccessDecision
{
    Allowed,
    Denied,

    /// <summary>Neither allowed nor denied (or the review failed): a deny, as kube-apiserver's authorizer chain ends.</summary>
    NoOpinion,
}

public sealed record AccessAnswer(AccessDecision Decision, string Reason);

/// <summary>
/// A TokenReview or SubjectAccessReview could not be made. The message says why and what to grant in MeshScaler's own
/// words, fit for any caller; <see cref="Detail"/> adds the API server's answer, for the log only.
/// </summary>
public sealed class ClusterReviewException(string message, string? detail = null, Exception? inner = null) : Exception(message, inner)
{
    public string Detail { get; } = detail ?? message;
}

/// <summary>How long review answers are kept: kube-apiserver's defaults (10 s for tokens, allowed and denied answers).</summary>
public sealed class ClusterReviewsOptions
{
    public TimeSpan TokenTtl { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan AllowedTtl { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan DeniedTtl { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// What an extension API server asks the cluster: the trust published in <c>kube-system/extension-apiserver-authentication</c>
/// (listed and watched, so a rotated CA takes effect on its event), TokenReviews and SubjectAccessReviews, each answer
/// cached for its TTL and each question asked once however many requests wait on it.
/// </summary>
public interface IClusterReviews
{
    /// <summary>The current trust; null until the ConfigMap has been read, or when it does not exist.</summary>
    AuthenticationTrust? Trust { get; }

    /// <summary>Why <see cref="Trust"/> is null or may be stale; null when it is current.</summary>
    string? TrustError { get; }

    /// <summary>The token's user, or null when the API server says it is not authenticated; with the cached answer's expiry.</summary>
    /// <exception cref="ClusterReviewException">The review itself failed.</exception>
    Task<Reviewed<ApiUser?>> ReviewTokenAsync(string token, CancellationToken cancellationToken);

    /// <summary>
    /// The API server's decision, with the cached answer's expiry; a failed review is <see cref="AccessDecision.NoOpinion"/>
    /// with the reason, expired at once.
    /// </summary>
    Task<Reviewed<AccessAnswer>> ReviewAccessAsync(AccessRequest request, CancellationToken cancellationToken);

    /// <summary>Lists and watches the trust ConfigMap until <paramref name="cancellationToken"/> fires.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}

internal sealed partial class ClusterReviews : IClusterReviews
{
    private static readonly TimeSpan ReviewTimeout = TimeSpan.FromSeconds(10);

    private readonly IKubernetes _client;
    private readonly ResourceInformer<AuthenticationTrust> _trust;
    private readonly ReviewCache<ApiUser?> _tokens;
    private readonly ReviewCache<AccessAnswer> _access;
    private readonly ILogger _logger;

    private readonly Outage _tokenOutage;
    private readonly Outage _accessOutage;

    public ClusterReviews(IKubernetes client, KubernetesOptions kubernetes, ClusterReviewsOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _client = client;
        _logger = loggers.CreateLogger("MeshScaler.Kubernetes");
        _tokenOutage = new Outage(_logger, "TokenReviews");
        _accessOutage = new Outage(_logger, "SubjectAccessReviews");
        _trust = new ResourceInformer<AuthenticationTrust>(
            new ConfigMapApi<AuthenticationTrust>(client, AuthenticationTrust.Read, $"metadata.name={AuthenticationTrust.Name}"),
            new ResourceCache<AuthenticationTrust>(), AuthenticationTrust.Namespace, kubernetes, time, _logger);
        _tokens = new ReviewCache<ApiUser?>(time, _ => options.TokenTtl);
        _access = new ReviewCache<AccessAnswer>(time, answer => answer.Decision == AccessDecision.Allowed ? options.AllowedTtl : options.DeniedTtl);
    }

    public AuthenticationTrust? Trust => _trust.Cache.Get(AuthenticationTrust.Namespace, AuthenticationTrust.Name);

    public string? TrustError => _trust.Error
        ?? (!_trust.Synced ? $"{AuthenticationTrust.Namespace}/{AuthenticationTrust.Name} has not been read yet"
            : Trust is null ? $"{AuthenticationTrust.Namespace}/{AuthenticationTrust.Name} does not exist (kube-apiserver writes it; is this a cluster with the aggregation layer?)"
            : null);

    public Task RunAsync(CancellationToken cancellationToken) => _trust.RunAsync(cancellationToken);

    public Task<Reviewed<ApiUser?>> ReviewTokenAsync(string token, CancellationToken cancellationToken) =>
        _tokens.GetAsync(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))), () => _tokenOutage.Watch(TokenReviewAsync(token)), cancellationToken);

    public async Task<Reviewed<AccessAnswer>> ReviewAccessAsync(AccessRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await _access.GetAsync(Key(request), () => _accessOutage.Watch(AccessReviewAsync(Spec(request))), cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterReviewException ex)
        {
            return new Reviewed<AccessAnswer>(new AccessAnswer(AccessDecision.NoOpinion, ex.Message), DateTimeOffset.MinValue);
        }
    }

    /// <summary>
    /// Everything the review's spec holds, each string length-prefixed and each list counted, so no two specs share a
    /// key whatever their names contain: what kube-apiserver's webhook authorizer keys its cache by (the spec's JSON),
    /// without serializing on every request.
    /// </summary>
    internal static string Key(AccessRequest request)
    {
        var key = new StringBuilder(256);
        void Field(string? value) => (value is null ? key.Append('~') : key.Append(value.Length).Append(':').Append(value)).Append(';');
        void Count(int count) => key.Append('#').Append(count).Append(';');
        var user = request.User;
        Field(user.Name);
        Field(user.Uid);
        Count(user.Groups.Count);
        foreach (var group in user.Groups)
        {
            Field(group);
        }

        Count(user.Extra.Count);
        foreach (var (name, values) in user.Extra.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            Field(name);
            Count(values.Count);
            foreach (var value in values)
            {
                Field(value);
            }
        }

        Field(request.Verb);
        Field(request.Path);
        Field(request.Namespace);
        Field(request.Group);
        Field(request.Version);
        Field(request.Resource);
        Field(request.Subresource);
        Field(request.Name);
        return key.ToString();
    }

    private async Task<ApiUser?> TokenReviewAsync(string token)
    {
        using var timeout = new CancellationTokenSource(ReviewTimeout);
        V1TokenReview review;
        try
        {
            review = await _client.AuthenticationV1.CreateTokenReviewAsync(
                new V1TokenReview { ApiVersion = "authentication.k8s.io/v1", Kind = "TokenReview", Spec = new V1TokenReviewSpec { Token = token } },
                cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or OperationCanceledException or KubernetesException)
        {
            throw new ClusterReviewException(Describe("tokenreviews.authentication.k8s.io", ex), Detail("tokenreviews.authentication.k8s.io", ex), ex);
        }

        if (review.Status is not { Authenticated: true, User.Username: { Length: > 0 } name } status)
        {
            return null;
        }

        return new ApiUser(
            name,
            status.User.Uid,
            [.. status.User.Groups ?? []],
            (status.User.Extra ?? new Dictionary<string, IList<string>>()).ToDictionary(e => e.Key, e => (IReadOnlyList<string>)[.. e.Value ?? []], StringComparer.Ordinal));
    }

    private async Task<AccessAnswer> AccessReviewAsync(V1SubjectAccessReviewSpec spec)
    {
        using var timeout = new CancellationTokenSource(ReviewTimeout);
        V1SubjectAccessReview review;
        try
        {
            review = await _client.AuthorizationV1.CreateSubjectAccessReviewAsync(
                new V1SubjectAccessReview { ApiVersion = "authorization.k8s.io/v1", Kind = "SubjectAccessReview", Spec = spec },
                cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or OperationCanceledException or KubernetesException)
        {
            throw new ClusterReviewException(Describe("subjectaccessreviews.authorization.k8s.io", ex), Detail("subjectaccessreviews.authorization.k8s.io", ex), ex);
        }

        var status = review.Status;
        var reason = string.IsNullOrEmpty(status?.EvaluationError) ? status?.Reason ?? string.Empty : $"{status.Reason} ({status.EvaluationError})";
        return (status?.Allowed, status?.Denied) switch
        {
            (true, true) => throw new ClusterReviewException($"the SubjectAccessReview answered both allowed and denied: {reason}"),
            (true, _) => new AccessAnswer(AccessDecision.Allowed, reason),
            (_, true) => new AccessAnswer(AccessDecision.Denied, reason),
            _ => new AccessAnswer(AccessDecision.NoOpinion, reason),
        };
    }

    private static V1SubjectAccessReviewSpec Spec(AccessRequest request) => new()
    {
        User = request.User.Name,
        Uid = request.User.Uid,
        Groups = [.. request.User.Groups],
        Extra = request.User.Extra.Count == 0 ? null : request.User.Extra.ToDictionary(e => e.Key, e => (IList<string>)[.. e.Value], StringComparer.Ordinal),
        ResourceAttributes = request.Resource is null ? null : new V1ResourceAttributes
        {
            NamespaceProperty = request.Namespace,
            Verb = request.Verb,
            Group = request.Group,
            Version = request.Version,
            Resource = request.Resource,
            Subresource = request.Subresource,
            Name = request.Name,
        },
        NonResourceAttributes = request.Resource is null ? new V1NonResourceAttributes { Path = request.Path, Verb = request.Verb } : null,
    };

    private static string Describe(string resource, Exception ex) => ex switch
    {
        HttpOperationException { Response.StatusCode: HttpStatusCode.Forbidden } =>
            $"MeshScaler's service account may not create {resource}: bind it to the ClusterRole system:auth-delegator (deploy/metrics-api/rbac.yaml)",
        HttpOperationException http => $"creating {resource} failed: HTTP {(int?)http.Response?.StatusCode}",
        OperationCanceledException => $"creating {resource} took longer than {ReviewTimeout.TotalSeconds:0} s",
        _ => $"creating {resource} failed: {ex.GetType().Name}",
    };

    /// <summary><see cref="Describe"/> with the API server's own answer or the exception's message.</summary>
    private static string Detail(string resource, Exception ex) => ex switch
    {
        HttpOperationException { Response.StatusCode: HttpStatusCode.Forbidden } => Describe(resource, ex),
        HttpOperationException http => $"{Describe(resource, ex)} {http.Response?.Content}",
        OperationCanceledException => Describe(resource, ex),
        _ => $"creating {resource} failed: {ex.Message}",
    };

    [LoggerMessage(6003, LogLevel.Warning, "Kubernetes: {Review} fail, so the requests that need one are refused until they work again: {Reason}")]
    private static partial void ReviewsFailing(ILogger logger, string review, string reason);

    [LoggerMessage(6004, LogLevel.Information, "Kubernetes: {Review} work again")]
    private static partial void ReviewsRecovered(ILogger logger, string review);

    /// <summary>
    /// One kind of review's outage, logged when it starts (with the API server's own answer, which no caller sees) and
    /// when a review is made again: not once per refused request. Only reviews really made count, never cached answers.
    /// </summary>
    private sealed class Outage(ILogger logger, string review)
    {
        private int _failing;

        public async Task<T> Watch<T>(Task<T> reviewing)
        {
            try
            {
                var answer = await reviewing.ConfigureAwait(false);
                if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
                {
                    ReviewsRecovered(logger, review);
                }

                return answer;
            }
            catch (ClusterReviewException ex)
            {
                if (Interlocked.Exchange(ref _failing, 1) == 0)
                {
                    ReviewsFailing(logger, review, ex.Detail);
                }

                throw;
            }
        }
    }
}
