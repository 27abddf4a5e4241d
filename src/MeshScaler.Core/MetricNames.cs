using System.Security.Cryptography;
using System.Text;

namespace MeshScaler.Core;

/// <summary>Derives the metric name a trigger serves.</summary>
/// <remarks>
/// Like KEDA's pulsar scaler (<c>pulsar-</c> + topic + <c>-</c> + subscription), but lowercase and restricted to
/// <c>[a-z0-9-]</c>: KEDA does not normalize external names, the HPA needs a valid path segment, and the external-metrics
/// client lowercases names. Names over 63 characters keep a readable prefix and end with 8 hex characters of a SHA-256
/// of the full name, so they stay stable and distinct.
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
        return Normalize($"pulsar-{topicPart}-{subscription}");
    }

    internal static string Normalize(string full)
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
        if (name.Length <= MaxLength)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..HashLength];
        return $"{name[..(MaxLength - HashLength - 1)].TrimEnd('-')}-{hash}";
    }
}
