namespace MeshScaler.Pulsar;

/// <summary>Parsing, comparison and secret-free display of admin URLs.</summary>
internal static class AdminUrls
{
    /// <summary>Parses an absolute http(s) URL; <paramref name="error"/> explains a refusal without echoing userinfo.</summary>
    public static bool TryParse(string? text, out Uri url, out string error)
    {
        url = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is required";
            return false;
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var parsed) || !IsHttp(parsed))
        {
            error = $"must be an absolute http or https URL (was \"{RedactText(text)}\")";
            return false;
        }

        if (parsed.Query.Length > 0)
        {
            error = $"must not have a query string (was \"{Display(parsed)}\")";
            return false;
        }

        url = parsed;
        error = string.Empty;
        return true;
    }

    public static bool IsHttp(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    /// <summary>The URL without userinfo, query, fragment or trailing slash; what requests are built on.</summary>
    public static Uri Normalize(Uri url)
    {
        var builder = new UriBuilder(url)
        {
            UserName = string.Empty,
            Password = string.Empty,
            Query = string.Empty,
            Fragment = string.Empty,
            Path = url.AbsolutePath.TrimEnd('/'),
        };
        return builder.Uri;
    }

    /// <summary>
    /// Comparison key: scheme and host case-insensitive (Uri lowercases both), the port made explicit so that
    /// <c>http://b</c> equals <c>http://b:80</c>, and the path without a trailing slash.
    /// </summary>
    public static string Key(Uri url) =>
        $"{url.Scheme}://{url.IdnHost}:{url.Port}{url.AbsolutePath.TrimEnd('/')}";

    /// <summary>Scheme, host, non-default port and path: safe to show, never userinfo or query.</summary>
    public static string Display(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            return RedactText(url.OriginalString);
        }

        var port = url.IsDefaultPort ? string.Empty : $":{url.Port}";
        return $"{url.Scheme}://{url.IdnHost}{port}{url.AbsolutePath.TrimEnd('/')}";
    }

    /// <summary>
    /// Best effort for text that did not parse: drop anything before an '@' of the authority, and cut any query or
    /// fragment, since either may hold a credential (<c>ftp://h/?token=x</c>).
    /// </summary>
    private static string RedactText(string text)
    {
        var trimmed = text.Trim();
        var cut = trimmed.IndexOfAny(['?', '#']);
        if (cut >= 0)
        {
            trimmed = trimmed[..cut] + "?…";
        }

        var schemeEnd = trimmed.IndexOf("://", StringComparison.Ordinal);
        var authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        var at = trimmed.IndexOf('@', authorityStart);
        var slash = trimmed.IndexOf('/', authorityStart);
        if (at >= 0 && (slash < 0 || at < slash))
        {
            trimmed = string.Concat(trimmed.AsSpan(0, authorityStart), trimmed.AsSpan(at + 1));
        }

        return trimmed.Length > 200 ? trimmed[..200] + "…" : trimmed;
    }
}
