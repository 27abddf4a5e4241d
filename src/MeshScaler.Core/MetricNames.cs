using System.Security.Cryptography;
using System.Text;

namespace MeshScaler.Core;

/// <summary>Derives the metric name a trigger serves.</summary>
/// <remarks>
/// Like KEDA's pulsar scaler (<c>pulsar-</c> + topic + <c>-</c> + subscription), but lowercase and restricted to
/// <c>[a-z0-9-]</c>: KEDA does not normalize external names, the HPA needs a valid path segment, and the external-metrics
/// client lowercases names. When mapping loses information (a pattern's regular-expression characters, upper case,
/// '.', '_' and the like) or the name is over 63 characters, the name keeps a readable prefix and ends with 8 hex
/// characters of a SHA-256 of the full name, so distinct questions keep distinct, stable names ('/' and ':' are
/// separators that map to '-' without a hash, keeping the common names readable and close to KEDA's).
/// </remarks>
public static class MetricNames
{
    public const int MaxLength = 63;
    private const int HashLength = 8;

    public static string For(TopicSelector topics, string subscription)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var topicPart = topics switch
        {
            TopicList list => string.Join("-", list.Topics.Select(t => $"{t.Tenant}-{t.Namespace}-{t.LocalName}")),
            TopicPattern pattern => $"pattern-{pattern.Tenant}-{pattern.Namespace}-{pattern.Regex}",
            _ => throw new ArgumentOutOfRangeException(nameof(topics)),
        };
        return Normalize($"pulsar-{topicPart}-{subscription}", forceHash: topics is TopicPattern);
    }

    /// <summary>
    /// A trigger naming a Function serves a name from the resource, not from its topics: the topics may change with the
    /// resource, and the HPA KEDA built keeps asking for the name it was given.
    /// </summary>
    public static string For(FunctionRef function, string? subscription)
    {
        ArgumentNullException.ThrowIfNull(function);
        var kind = function.Kind.ToString().ToLowerInvariant();
        return Normalize($"pulsar-{kind}-{function.Namespace}-{function.Name}{(subscription is null ? string.Empty : "-" + subscription)}");
    }

    internal static string Normalize(string full, bool forceHash = false)
    {
        var builder = new StringBuilder(full.Length);
        foreach (var c in full.ToLowerInvariant())
        {
            var keep = c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
            if (keep)
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var name = builder.ToString().TrimEnd('-');
        var lossy = forceHash || full.Any(c => c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '/' or ':'));
        if (!lossy && name.Length <= MaxLength)
        {
            return name;
        }

        var hash = ShortHash(full);
        var prefix = name.Length > MaxLength - HashLength - 1 ? name[..(MaxLength - HashLength - 1)] : name;
        return $"{prefix.TrimEnd('-')}-{hash}";
    }

    /// <summary>A stable, short identifier of <paramref name="text"/>: the first 8 hex digits of its SHA-256.</summary>
    public static string ShortHash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..HashLength];
}
