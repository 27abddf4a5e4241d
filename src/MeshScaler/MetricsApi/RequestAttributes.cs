using MeshScaler.Kubernetes;

namespace MeshScaler.MetricsApi;

/// <summary>
/// The authorization attributes of a request, derived as kube-apiserver's <c>requestinfo.go</c> derives them: under
/// <c>/apis/{group}/{version}/</c> a resource request (<c>namespaces/{ns}/</c> lifted off, then resource, name and
/// subresource; verb <c>get</c> with a name, <c>list</c> without); anything shorter a non-resource request on its path.
/// </summary>
internal static class RequestAttributes
{
    public static AccessRequest Of(ApiUser user, string path)
    {
        var parts = path.Trim('/').Split('/');
        if (parts.Length < 4 || parts[0] != "apis")
        {
            return new AccessRequest(user, "get", Path: path);
        }

        var (group, version) = (parts[1], parts[2]);
        var rest = parts.AsSpan(3);
        string? ns = null;
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = rest[1];
            if (rest.Length > 2)
            {
                rest = rest[2..];
            }
        }

        var name = rest.Length > 1 ? rest[1] : null;
        return new AccessRequest(
            user, name is null ? "list" : "get", Namespace: ns, Group: group, Version: version,
            Resource: rest[0], Subresource: rest.Length > 2 ? rest[2] : null, Name: name);
    }
}
