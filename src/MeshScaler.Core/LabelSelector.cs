using System.Globalization;
using System.Text.RegularExpressions;

namespace MeshScaler.Core;

/// <summary>
/// A Kubernetes label selector in its string form (apimachinery <c>labels.Parse</c>), as the HPA sends it in
/// <c>labelSelector</c> and <c>metricLabelSelector</c>: requirements joined by <c>,</c>, each <c>k=v</c>, <c>k==v</c>,
/// <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c> (exists), <c>!k</c> (does not exist), <c>k&gt;5</c> or
/// <c>k&lt;5</c>. An empty string selects everything.
/// </summary>
public sealed class LabelSelector
{
    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    /// <summary>Selects every object.</summary>
    public static LabelSelector Everything { get; } = new([]);

    public bool IsEverything => _requirements.Count == 0;

    /// <summary>The label keys the selector constrains, in its order.</summary>
    public IEnumerable<string> Keys => _requirements.Select(r => r.Key);

    /// <summary>The one value <paramref name="key"/> must have (<c>k=v</c>, or <c>k in (v)</c>), if the selector requires one.</summary>
    public string? RequiredValue(string key) =>
        _requirements.FirstOrDefault(r => r.Key == key && r.Op is Operator.Equals or Operator.In && r.Values.Count == 1)?.Values[0];

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> names the requirement and what is wrong with it.</summary>
    public static bool TryParse(string? text, out LabelSelector selector, out string? error)
    {
        selector = Everything;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var requirements = new List<Requirement>();
        foreach (var term in SplitTerms(text))
        {
            if (ParseRequirement(term.Trim(), out var requirement) is { } problem)
            {
                error = $"unable to parse requirement '{term.Trim()}': {problem}";
                return false;
            }

            requirements.Add(requirement!);
        }

        selector = new LabelSelector(requirements);
        return true;
    }

    /// <summary>Whether an object with <paramref name="labels"/> is selected.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The selector in apimachinery's canonical string form (values of in/notin sorted).</summary>
    public override string ToString() => string.Join(",", _requirements);

    /// <summary>Splits at the commas between requirements, not those inside <c>( )</c>.</summary>
    /// <remarks>A list, not an iterator: the compiler's iterator reads the environment's thread id, and Core touches no environment.</remarks>
    private static List<string> SplitTerms(string text)
    {
        var terms = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    terms.Add(text[start..i]);
                    start = i + 1;
                    break;
            }
        }

        terms.Add(text[start..]);
        return terms;
    }

    private static string? ParseRequirement(string term, out Requirement? requirement)
    {
        requirement = null;
        if (term.Length == 0)
        {
            return "empty requirement";
        }

        if (term[0] == '!')
        {
            var key = term[1..].Trim();
            return KeyProblem(key) ?? Done(new Requirement(key, Operator.DoesNotExist, []), out requirement);
        }

        if (SetRequirementRegex.Match(term) is { Success: true } set)
        {
            var key = set.Groups["key"].Value;
            var op = set.Groups["op"].Value == "in" ? Operator.In : Operator.NotIn;
            var values = set.Groups["values"].Value.Split(',', StringSplitOptions.TrimEntries);
            if (values.All(v => v.Length == 0))
            {
                return $"'{set.Groups["op"].Value}' needs at least one value";
            }

            return KeyProblem(key) ?? values.Select(ValueProblem).FirstOrDefault(p => p is not null)
                ?? Done(new Requirement(key, op, [.. values.Order(StringComparer.Ordinal)]), out requirement);
        }

        if (SetWithoutParenthesesRegex.IsMatch(term))
        {
            return "the values of 'in' and 'notin' must be in parentheses";
        }

        foreach (var (token, op) in ValueOperators)
        {
            var at = term.IndexOf(token, StringComparison.Ordinal);
            if (at >= 0)
            {
                var key = term[..at].Trim();
                var value = term[(at + token.Length)..].Trim();
                if (op is Operator.GreaterThan or Operator.LessThan && !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                {
                    return $"'{value}' must be an integer for '{token}'";
                }

                return KeyProblem(key) ?? ValueProblem(value) ?? Done(new Requirement(key, op, [value]), out requirement);
            }
        }

        return KeyProblem(term) ?? Done(new Requirement(term, Operator.Exists, []), out requirement);
    }

    // Longest tokens first: "!=" and "==" before "=".
    private static readonly (string Token, Operator Op)[] ValueOperators =
        [("!=", Operator.NotEquals), ("==", Operator.Equals), ("=", Operator.Equals), (">", Operator.GreaterThan), ("<", Operator.LessThan)];

    private static string? Done(Requirement value, out Requirement? requirement)
    {
        requirement = value;
        return null;
    }

    /// <summary>A label key: an optional DNS-subdomain prefix and <c>/</c>, then a name of at most 63 characters.</summary>
    private static string? KeyProblem(string key)
    {
        if (key.Length == 0)
        {
            return "the key is empty";
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length is 0 or > 253 || !prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            {
                return $"key '{key}': the prefix must be a DNS subdomain (lowercase letters, digits, '-' and '.')";
            }
        }

        return name.Length == 0 || !IsLabelText(name)
            ? $"key '{key}': the name must be 1 to 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit"
            : null;
    }

    private static string? ValueProblem(string value) =>
        value.Length == 0 || IsLabelText(value)
            ? null
            : $"value '{value}': must be at most 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit";

    private static bool IsLabelText(string text) =>
        text.Length <= 63
        && char.IsAsciiLetterOrDigit(text[0]) && char.IsAsciiLetterOrDigit(text[^1])
        && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    // Selectors come from the network: linear-time matching with a timeout.
    private static readonly Regex SetRequirementRegex = new(
        @"^(?<key>[^\s()!=<>,]+)\s+(?<op>in|notin)\s*\((?<values>[^()]*)\)$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromMilliseconds(100));

    private static readonly Regex SetWithoutParenthesesRegex = new(
        @"^[^\s()!=<>,]+\s+(in|notin)(\s|\(|$)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromMilliseconds(100));

    private enum Operator
    {
        Equals,
        NotEquals,
        In,
        NotIn,
        Exists,
        DoesNotExist,
        GreaterThan,
        LessThan,
    }

    private sealed record Requirement(string Key, Operator Op, IReadOnlyList<string> Values)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var value);
            return Op switch
            {
                Operator.Equals or Operator.In => has && Values.Contains(value!, StringComparer.Ordinal),
                Operator.NotEquals or Operator.NotIn => !has || !Values.Contains(value!, StringComparer.Ordinal),
                Operator.Exists => has,
                Operator.DoesNotExist => !has,
                Operator.GreaterThan => has && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var more) && more > long.Parse(Values[0], CultureInfo.InvariantCulture),
                Operator.LessThan => has && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var less) && less < long.Parse(Values[0], CultureInfo.InvariantCulture),
                _ => false,
            };
        }

        public override string ToString() => Op switch
        {
            Operator.Equals => $"{Key}={Values[0]}",
            Operator.NotEquals => $"{Key}!={Values[0]}",
            Operator.In => $"{Key} in ({string.Join(",", Values)})",
            Operator.NotIn => $"{Key} notin ({string.Join(",", Values)})",
            Operator.Exists => Key,
            Operator.DoesNotExist => $"!{Key}",
            Operator.GreaterThan => $"{Key}>{Values[0]}",
            _ => $"{Key}<{Values[0]}",
        };
    }
}
