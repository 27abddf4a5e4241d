using MeshScaler.Core;

namespace MeshScaler.Pulsar;

/// <summary>Which redirects the client follows itself (HttpClient's own following drops credentials).</summary>
internal static class RedirectPolicy
{
    /// <summary>301/302 (GET only, which is all this client sends), 307 and 308.</summary>
    public static bool IsRedirect(int status) => status is 301 or 302 or 307 or 308;

    /// <summary>
    /// Resolves <paramref name="location"/> against <paramref name="current"/> and refuses targets that would leak
    /// credentials: a non-http(s) scheme or an https→http downgrade. Pulsar's Location carries
    /// <c>authoritative=…</c>, so its query is kept as is.
    /// </summary>
    public static Uri Next(string cluster, Uri current, Uri? location)
    {
        if (location is null)
        {
            throw new ScalingException(
                ScalingErrorKind.Unavailable,
                $"cluster '{cluster}': GET {current.AbsolutePath} answered a redirect without a Location header");
        }

        var next = location.IsAbsoluteUri ? location : new Uri(current, location);
        if (!AdminUrls.IsHttp(next))
        {
            throw new ScalingException(
                ScalingErrorKind.Unavailable,
                $"cluster '{cluster}': GET {current.AbsolutePath} redirected to a non-http(s) URL; refused");
        }

        if (current.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
        {
            throw new ScalingException(
                ScalingErrorKind.Unavailable,
                $"cluster '{cluster}': GET {current.AbsolutePath} redirected from https to http ({AdminUrls.Display(next)}); " +
                "refusing the downgrade, which would send credentials in clear text");
        }

        // Userinfo in a Location would replace our credentials with the server's choice; drop it.
        return next.UserInfo.Length == 0 ? next : new UriBuilder(next) { UserName = string.Empty, Password = string.Empty }.Uri;
    }
}
