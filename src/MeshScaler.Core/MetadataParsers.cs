using System.Globalization;
using System.Text.RegularExpressions;

namespace MeshScaler.Core;

/// <summary>Value parsers for the metadata table. Each error names the key and quotes the value it refused.</summary>
internal static class MetadataParsers
{
    /// <summary>A second bound on a hostile <c>topicPattern</c>; the non-backtracking engine already matches in linear time.</summary>
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    public static MetadataValue Text(string key, string raw) =>
        string.IsNullOrWhiteSpace(raw)
            ? MetadataValue.Fail($"{key} must not be empty")
            : MetadataValue.Ok(raw.Trim());

    public static MetadataValue HttpUrl(string key, string raw)
    {
        var text = raw.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
            string.IsNullOrEmpty(uri.Host))
        {
            return MetadataValue.Fail($"{key} must be an absolute http or https URL, got {Quote(RedactUrl(raw))}");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return MetadataValue.Fail($"{key} must not have a query or fragment, got {Quote(RedactUrl(raw))}");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return MetadataValue.Fail($"{key} must not carry credentials (configure them server-side), got {Quote(RedactUrl(raw))}");
        }

        return MetadataValue.Ok(NormalizeUrl(uri));
    }

    /// <summary>
    /// A URL as it may appear in errors and logs: user info replaced by <c>***</c> and any query or fragment cut, since
    /// either may hold a credential.
    /// </summary>
    internal static string RedactUrl(string raw)
    {
        var text = raw.Trim();
        var cut = text.IndexOfAny(['?', '#']);
        if (cut >= 0)
        {
            text = text[..cut] + "?…";
        }

        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var slash = scheme >= 0 ? text.IndexOf('/', scheme + 3) : -1;
        if (at >= 0 && (slash < 0 || at < slash))
        {
            var start = scheme >= 0 ? scheme + 3 : 0;
            text = text[..start] + "***" + text[at..];
        }

        return text;
    }

    /// <summary>Scheme and host lowercased, default port dropped, no trailing slash, no user info.</summary>
    public static Uri NormalizeUrl(Uri uri)
    {
        var builder = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty };
        builder.Path = builder.Path.TrimEnd('/');
        if (uri.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri;
    }

    public static MetadataValue PositiveNumber(string key, string raw) => Number(key, raw, min: 0, minIncluded: false, max: null);

    public static MetadataValue NonNegativeNumber(string key, string raw) => Number(key, raw, min: 0, minIncluded: true, max: null);

    /// <summary>A drain time: divided into, so at least <see cref="MetadataDefaults.MinSeconds"/> (a denormal would make the metric infinite).</summary>
    public static MetadataValue PositiveSeconds(string key, string raw) =>
        Number(key, raw, min: MetadataDefaults.MinSeconds, minIncluded: true, max: MetadataDefaults.MaxSeconds);

    public static MetadataValue NonNegativeSeconds(string key, string raw) => Number(key, raw, min: 0, minIncluded: true, max: MetadataDefaults.MaxSeconds);

    public static MetadataValue PositiveRatio(string key, string raw) => Number(key, raw, min: 0, minIncluded: false, max: MetadataDefaults.MaxRatio);

    private static MetadataValue Number(string key, string raw, double min, bool minIncluded, double? max)
    {
        var ok = double.TryParse(raw.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) &&
                 double.IsFinite(value) && (minIncluded ? value >= min : value > min) && (max is not { } m || value <= m);
        var range = string.Create(CultureInfo.InvariantCulture, $"{(minIncluded ? ">=" : ">")} {min}{(max is { } limit ? $" and <= {limit}" : string.Empty)}");
        return ok
            ? MetadataValue.Ok(value)
            : MetadataValue.Fail($"{key} must be a number {range}, got {Quote(raw)}");
    }

    /// <summary>Accepts what Go's strconv.ParseBool accepts, as KEDA does.</summary>
    public static MetadataValue Boolean(string key, string raw) => raw.Trim() switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => MetadataValue.Ok(true),
        "0" or "f" or "F" or "false" or "FALSE" or "False" => MetadataValue.Ok(false),
        _ => MetadataValue.Fail($"{key} must be true or false, got {Quote(raw)}"),
    };

    public static MetadataValue Mode(string key, string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "backlog" => MetadataValue.Ok(ScalingMode.Backlog),
        "capacity" => MetadataValue.Ok(ScalingMode.Capacity),
        _ => MetadataValue.Fail($"{key} must be backlog or capacity, got {Quote(raw)}"),
    };

    public static MetadataValue Topic(string key, string raw) =>
        TopicName.TryParse(raw, out var topic, out var error)
            ? MetadataValue.Ok(new TopicList([topic]))
            : MetadataValue.Fail($"{key} {error}, got {Quote(raw)}");

    public static MetadataValue Topics(string key, string raw)
    {
        var topics = new List<TopicName>();
        var errors = new List<string>();
        foreach (var item in raw.Split(','))
        {
            if (string.IsNullOrWhiteSpace(item))
            {
                errors.Add($"{key} has an empty entry, got {Quote(raw)}");
                continue;
            }

            if (!TopicName.TryParse(item, out var topic, out var error))
            {
                errors.Add($"{key} entry {error}, got {Quote(item.Trim())}");
            }
            else if (!topics.Contains(topic))
            {
                topics.Add(topic);
            }
        }

        return errors.Count > 0 ? MetadataValue.Fail(string.Join("; ", errors)) : MetadataValue.Ok(new TopicList(topics));
    }

    public static MetadataValue Pattern(string key, string raw)
    {
        var text = raw.Trim();
        if (text.StartsWith("persistent://", StringComparison.Ordinal))
        {
            text = text["persistent://".Length..];
        }

        var parts = text.Split('/', 3);
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || parts[2].Length == 0)
        {
            return MetadataValue.Fail($"{key} must be [persistent://]tenant/namespace/<regular expression>, got {Quote(raw)}");
        }

        try
        {
            // Non-backtracking: matching is linear in the topic name, so no pattern a ScaledObject sends can stall polling.
            var regex = new Regex($"^(?:{parts[2]})$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, RegexTimeout);
            return MetadataValue.Ok(new TopicPattern(parts[0], parts[1], regex));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return MetadataValue.Fail($"{key} is not a valid regular expression ({ex.Message}), got {Quote(raw)}");
        }
    }

    /// <summary>A Kubernetes object name (RFC 1123 subdomain): lowercase alphanumerics, '-' and '.', at most 253.</summary>
    public static MetadataValue ResourceName(string key, string raw)
    {
        var text = raw.Trim();
        var valid = text.Length is > 0 and <= 253
            && char.IsAsciiLetterLower(text[0]) | char.IsAsciiDigit(text[0])
            && char.IsAsciiLetterLower(text[^1]) | char.IsAsciiDigit(text[^1])
            && text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.');
        return valid
            ? MetadataValue.Ok(text)
            : MetadataValue.Fail($"{key} must be a Kubernetes resource name (lowercase letters, digits, '-' and '.'), got {Quote(raw)}");
    }

    public static MetadataValue Kind(string key, string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "function" => MetadataValue.Ok(ComponentKind.Function),
        "sink" => MetadataValue.Ok(ComponentKind.Sink),
        "source" => MetadataValue.Ok(ComponentKind.Source),
        _ => MetadataValue.Fail($"{key} must be Function, Sink or Source, got {Quote(raw)}"),
    };

    public static MetadataValue RunnerMode(string key, string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "auto" => MetadataValue.Ok(RunnerMetricsMode.Auto),
        "1" or "t" or "true" => MetadataValue.Ok(RunnerMetricsMode.Required),
        "0" or "f" or "false" => MetadataValue.Ok(RunnerMetricsMode.Off),
        _ => MetadataValue.Fail($"{key} must be auto, true or false, got {Quote(raw)}"),
    };

    public static string Quote(string raw) => "\"" + raw.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
