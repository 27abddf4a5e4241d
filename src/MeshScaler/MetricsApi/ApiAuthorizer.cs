using MeshScaler.Kubernetes;

namespace MeshScaler.MetricsApi;

/// <summary>
/// Authorization as kube-apiserver's extension servers do it: group <c>system:masters</c> always (the aggregator's
/// availability probe and discovery), everything else by SubjectAccessReview, whose allowed and denied answers are
/// cached for a short time. A review that fails is no opinion: a deny, naming why.
/// </summary>
internal sealed class ApiAuthorizer(IClusterReviews cluster)
{
    private const string Masters = "system:masters";

    /// <summary>Null when <paramref name="user"/> may make the request; otherwise the 403 to answer.</summary>
    /// <param name="now">The request's time, in UTC ticks.</param>
    public async ValueTask<ApiStatus?> AuthorizeAsync(ApiUser user, string path, ConnectionAuthCache? connection, long now, CancellationToken cancellationToken)
    {
        if (user.Groups.Contains(Masters))
        {
            return null;
        }

        // The same user (the same reviewed token on this connection) on the same path, within the allowed TTL.
        if (connection is not null && connection.Allowed(user, path, now))
        {
            return null;
        }

        var request = RequestAttributes.Of(user, path);
        var (answer, expires) = await cluster.ReviewAccessAsync(request, cancellationToken);
        if (answer.Decision == AccessDecision.Allowed)
        {
            connection?.SetAllowed(user, path, expires.UtcTicks);
            return null;
        }

        var why = answer.Reason.Length == 0 ? string.Empty : $": {answer.Reason}";
        var decision = answer.Decision == AccessDecision.Denied ? "denied" : "no RBAC rule allows it";
        return ApiStatus.Forbidden(request.Resource is { } resource
            ? $"{resource}.{request.Group} \"{request.Name ?? string.Empty}\" is forbidden: User \"{user.Name}\" cannot {request.Verb} resource \"{resource}\" in API group \"{request.Group}\"{(request.Namespace is { } ns ? $" in the namespace \"{ns}\"" : string.Empty)} ({decision}{why})"
            : $"forbidden: User \"{user.Name}\" cannot get path \"{path}\" ({decision}{why})");
    }
}
