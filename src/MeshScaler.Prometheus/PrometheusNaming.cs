namespace MeshScaler.Prometheus;

/// <summary>Maps instrument and tag names to valid Prometheus metric and label names.</summary>
internal static class PrometheusNaming
{
    private const string TotalSuffix = "_total";
    private const string SecondsSuffix = "_seconds";

    /// <summary>
    /// The Prometheus family name: every character outside <c>[a-zA-Z0-9_:]</c> becomes '_', a leading digit gets
    /// a '_' prefix, a unit of <c>s</c> appends <c>_seconds</c> unless already there, and counters end in exactly
    /// one <c>_total</c> (after the unit, as in <c>x_seconds_total</c>).
    /// </summary>
    public static string MetricName(string instrumentName, string? unit, MetricType type)
    {
        ArgumentNullException.ThrowIfNull(instrumentName);
        var name = Sanitize(instrumentName, allowColon: true);
        var counter = type == MetricType.Counter;
        if (counter && name.EndsWith(TotalSuffix, StringComparison.Ordinal))
        {
            name = name[..^TotalSuffix.Length];
        }

        if (string.Equals(unit, "s", StringComparison.Ordinal) && !name.EndsWith(SecondsSuffix, StringComparison.Ordinal))
        {
            name += SecondsSuffix;
        }

        if (counter)
        {
            name += TotalSuffix;
        }

        return name;
    }

    /// <summary>
    /// A label name: characters outside <c>[a-zA-Z0-9_]</c> become '_', a leading digit gets a '_' prefix, and
    /// a run of leading underscores collapses to one because Prometheus reserves names starting with <c>__</c>.
    /// </summary>
    public static string LabelName(string tagName)
    {
        var name = Sanitize(tagName ?? string.Empty, allowColon: false);
        if (name.StartsWith("__", StringComparison.Ordinal))
        {
            name = "_" + name.TrimStart('_');
        }

        return name;
    }

    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return "_";
        }

        var valid = !char.IsAsciiDigit(name[0]);
        foreach (var c in name)
        {
            if (!IsValid(c, allowColon))
            {
                valid = false;
                break;
            }
        }

        if (valid)
        {
            return name;
        }

        var prefix = char.IsAsciiDigit(name[0]) ? 1 : 0;
        return string.Create(name.Length + prefix, (name, prefix, allowColon), static (span, state) =>
        {
            if (state.prefix == 1)
            {
                span[0] = '_';
            }

            for (var i = 0; i < state.name.Length; i++)
            {
                var c = state.name[i];
                span[i + state.prefix] = IsValid(c, state.allowColon) ? c : '_';
            }
        });
    }

    private static bool IsValid(char c, bool allowColon) =>
        char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
}
