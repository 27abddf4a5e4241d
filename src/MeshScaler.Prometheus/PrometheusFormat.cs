using System.Globalization;
using System.Text;

namespace MeshScaler.Prometheus;

/// <summary>Value formatting and escaping of the Prometheus text format 0.0.4.</summary>
internal static class PrometheusFormat
{
    /// <summary>Shortest round-trip form, invariant; NaN, +Inf and -Inf spelled as Prometheus parses them.</summary>
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    public static string FormatValue(MetricValue value) =>
        value.IsInteger ? value.Int64.ToString(CultureInfo.InvariantCulture) : FormatDouble(value.Double);

    /// <summary>HELP text escapes only backslash and newline (a double quote stays as is).</summary>
    public static string EscapeHelp(string text) => Escape(text, escapeQuote: false);

    /// <summary>Label values escape backslash, double quote and newline.</summary>
    public static string EscapeLabelValue(string value) => Escape(value, escapeQuote: true);

    /// <summary>
    /// The label value of a tag: invariant formatting so a scrape does not depend on the host culture;
    /// booleans lower-case as most exporters write them; null is the empty string (Prometheus treats an empty
    /// value as an absent label).
    /// </summary>
    public static string FormatTagValue(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Escape(string text, bool escapeQuote)
    {
        var needs = false;
        foreach (var c in text)
        {
            if (c is '\\' or '\n' || (escapeQuote && c == '"'))
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\':
                    builder.Append(@"\\");
                    break;
                case '\n':
                    builder.Append(@"\n");
                    break;
                case '"' when escapeQuote:
                    builder.Append("\\\"");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }
}
