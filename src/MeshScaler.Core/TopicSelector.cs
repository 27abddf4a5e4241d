using System.Text.RegularExpressions;

namespace MeshScaler.Core;

/// <summary>Which topics a trigger sums over.</summary>
public abstract record TopicSelector
{
    private protected TopicSelector()
    {
    }

    /// <summary>A canonical text, equal for equal selections; used in keys and metric names.</summary>
    public abstract string Key { get; }
}

/// <summary>An explicit list (<c>topic</c> or <c>topics</c>), deduplicated, in the order given.</summary>
public sealed record TopicList(IReadOnlyList<TopicName> Topics) : TopicSelector
{
    public override string Key => string.Join(",", Topics.Select(t => t.FullName));
}

/// <summary>
/// <c>topicPattern</c>: <c>[persistent://]tenant/namespace/regex</c>. The regular expression must match a topic's local name
/// entirely; partitions are folded into their partitioned topic before matching.
/// </summary>
public sealed record TopicPattern(string Tenant, string Namespace, Regex Regex) : TopicSelector
{
    public override string Key => $"persistent://{Tenant}/{Namespace}/{Regex}";

    public bool Matches(TopicName topic) =>
        topic.Tenant == Tenant && topic.Namespace == Namespace && Regex.IsMatch(topic.LocalName);
}

/// <summary>Topic selectors from text written elsewhere than trigger metadata (a Function's <c>input.topicPattern</c>).</summary>
public static class TopicSelectors
{
    /// <summary>A <c>[persistent://]tenant/namespace/regex</c> pattern, with the same rules as <c>topicPattern</c> metadata.</summary>
    public static TopicPattern? TryPattern(string raw, out string? error)
    {
        var parsed = MetadataParsers.Pattern("pattern", raw);
        error = parsed.Error;
        return parsed.Value as TopicPattern;
    }
}
