using System.Globalization;

namespace MeshScaler.Prometheus;

/// <summary>The samples of one exposition that were asked for, and every family's declared type.</summary>
public sealed record Exposition(IReadOnlyList<Sample> Samples, IReadOnlyDictionary<string, string> Types);

/// <summary>
/// A parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0, tolerant of what real runners write and strict
/// about what would make a value wrong.
/// </summary>
/// <remarks>
/// <para>Tolerated, because runners write it: Java's trailing comma before <c>}</c>, E-notation, <c>NaN</c> and
/// <c>±Inf</c> in any case, HELP and TYPE lines with no samples, families in any order, missing HELP or TYPE, blank
/// lines, comments, timestamps (read and ignored: a scrape is stamped when it was answered), OpenMetrics exemplars,
/// <c># UNIT</c> and <c># EOF</c>, <c>\r\n</c> line ends, and unknown escapes in label values (kept as written, as
/// Prometheus's own parser did for years).</para>
/// <para>Refused, naming the line: a malformed name, label or value, an unterminated label value, a duplicated label,
/// an unknown TYPE, and anything after OpenMetrics's <c># EOF</c>. One bad line fails the whole exposition, as a
/// Prometheus scrape does: a counter read from a half-understood page could be another series' value.</para>
/// <para>The <c>keep</c> filter selects the samples to return by name; every line is still checked, and only kept
/// samples allocate (a JVM runner writes a hundred lines nobody here reads).</para>
/// </remarks>
public static class ExpositionParser
{
    private static readonly HashSet<string> TextTypes = new(StringComparer.Ordinal) { "counter", "gauge", "histogram", "summary", "untyped" };

    private static readonly HashSet<string> OpenMetricsTypes = new(StringComparer.Ordinal)
    {
        "counter", "gauge", "histogram", "gaugehistogram", "stateset", "info", "summary", "unknown",
    };

    public static Exposition Parse(string text, ExpositionFormat format, Func<string, bool>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        var ended = false;
        var position = 0;
        while (position < text.Length)
        {
            var end = text.IndexOf('\n', position);
            if (end < 0)
            {
                end = text.Length;
            }

            var line = text.AsSpan(position, end - position);
            position = end + 1;
            lineNumber++;
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            line = line.TrimStart(" \t");
            if (line.IsEmpty)
            {
                continue;
            }

            if (ended)
            {
                throw new ExpositionFormatException(lineNumber, "content after # EOF", line.ToString());
            }

            if (line[0] == '#')
            {
                ended = ReadComment(line, format, types, lineNumber);
                continue;
            }

            var sample = ReadSample(line, format, keep, lineNumber);
            if (sample is not null)
            {
                samples.Add(sample);
            }
        }

        return new Exposition(samples, types);
    }

    /// <returns>True for OpenMetrics's <c># EOF</c>.</returns>
    private static bool ReadComment(ReadOnlySpan<char> line, ExpositionFormat format, Dictionary<string, string> types, int lineNumber)
    {
        var body = line[1..].TrimStart(" \t");
        if (format == ExpositionFormat.OpenMetrics && body.SequenceEqual("EOF"))
        {
            return true;
        }

        var keyword = NextToken(ref body);
        if (keyword.SequenceEqual("TYPE"))
        {
            var name = NextToken(ref body);
            var type = NextToken(ref body);
            if (!IsMetricName(name))
            {
                throw new ExpositionFormatException(lineNumber, "TYPE names an invalid metric name", line.ToString());
            }

            var allowed = format == ExpositionFormat.OpenMetrics ? OpenMetricsTypes : TextTypes;
            var typeText = type.ToString();
            if (!allowed.Contains(typeText) || !body.Trim(" \t").IsEmpty)
            {
                throw new ExpositionFormatException(lineNumber, $"unknown metric type \"{typeText}\"", line.ToString());
            }

            types[name.ToString()] = typeText;
        }
        else if ((keyword.SequenceEqual("HELP") || keyword.SequenceEqual("UNIT")) && !IsMetricName(NextToken(ref body)))
        {
            throw new ExpositionFormatException(lineNumber, $"{keyword} names an invalid metric name", line.ToString());
        }

        // Any other comment is a comment.
        return false;
    }

    private static Sample? ReadSample(ReadOnlySpan<char> line, ExpositionFormat format, Func<string, bool>? keep, int lineNumber)
    {
        var i = 0;
        while (i < line.Length && IsNameChar(line[i], first: i == 0))
        {
            i++;
        }

        if (i == 0)
        {
            throw new ExpositionFormatException(lineNumber, "expected a metric name", line.ToString());
        }

        var name = line[..i];
        var kept = keep is null || keep(name.ToString());
        List<KeyValuePair<string, string>>? labels = kept ? [] : null;
        if (i < line.Length && line[i] == '{')
        {
            i = ReadLabels(line, i + 1, labels, lineNumber);
        }

        var rest = line[i..];
        if (rest.IsEmpty || (rest[0] != ' ' && rest[0] != '\t'))
        {
            throw new ExpositionFormatException(lineNumber, "expected a space and a value after the name and labels", line.ToString());
        }

        rest = rest.TrimStart(" \t");
        var valueToken = NextToken(ref rest);
        if (!TryParseValue(valueToken, out var value))
        {
            throw new ExpositionFormatException(lineNumber, $"invalid value \"{valueToken}\"", line.ToString());
        }

        if (!rest.IsEmpty && rest[0] != '#')
        {
            var timestamp = NextToken(ref rest);
            if (!double.TryParse(timestamp, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                throw new ExpositionFormatException(lineNumber, $"invalid timestamp \"{timestamp}\"", line.ToString());
            }
        }

        rest = rest.TrimStart(" \t");
        if (!rest.IsEmpty && !(format == ExpositionFormat.OpenMetrics && rest[0] == '#'))
        {
            // An exemplar (OpenMetrics only) is the one thing allowed after the value and timestamp.
            throw new ExpositionFormatException(lineNumber, "unexpected text after the value", line.ToString());
        }

        return kept ? new Sample(name.ToString(), labels!, value) : null;
    }

    /// <returns>The index just after the closing brace.</returns>
    private static int ReadLabels(ReadOnlySpan<char> line, int i, List<KeyValuePair<string, string>>? labels, int lineNumber)
    {
        var seen = labels is null ? null : new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            i = SkipSpaces(line, i);
            if (i >= line.Length)
            {
                throw new ExpositionFormatException(lineNumber, "unterminated label set", line.ToString());
            }

            if (line[i] == '}')
            {
                return i + 1;
            }

            var start = i;
            while (i < line.Length && IsLabelNameChar(line[i], first: i == start))
            {
                i++;
            }

            if (i == start)
            {
                throw new ExpositionFormatException(lineNumber, "expected a label name", line.ToString());
            }

            var labelName = line[start..i];
            i = SkipSpaces(line, i);
            if (i >= line.Length || line[i] != '=')
            {
                throw new ExpositionFormatException(lineNumber, $"expected '=' after label {labelName}", line.ToString());
            }

            i = SkipSpaces(line, i + 1);
            if (i >= line.Length || line[i] != '"')
            {
                throw new ExpositionFormatException(lineNumber, $"expected a quoted value for label {labelName}", line.ToString());
            }

            i++;
            var builder = labels is null ? null : new System.Text.StringBuilder();
            var closed = false;
            while (i < line.Length)
            {
                var c = line[i++];
                if (c == '"')
                {
                    closed = true;
                    break;
                }

                if (c == '\\' && i < line.Length)
                {
                    var escaped = line[i++];
                    switch (escaped)
                    {
                        case '\\': builder?.Append('\\'); break;
                        case '"': builder?.Append('"'); break;
                        case 'n': builder?.Append('\n'); break;
                        default: builder?.Append('\\').Append(escaped); break;
                    }

                    continue;
                }

                builder?.Append(c);
            }

            if (!closed)
            {
                throw new ExpositionFormatException(lineNumber, $"unterminated value of label {labelName}", line.ToString());
            }

            if (labels is not null)
            {
                var key = labelName.ToString();
                if (!seen!.Add(key))
                {
                    throw new ExpositionFormatException(lineNumber, $"label {key} appears twice", line.ToString());
                }

                labels.Add(new(key, builder!.ToString()));
            }

            i = SkipSpaces(line, i);
            if (i < line.Length && line[i] == ',')
            {
                // Java writes a comma after every label, the last one included.
                i++;
            }
            else if (i >= line.Length || line[i] != '}')
            {
                throw new ExpositionFormatException(lineNumber, "expected ',' or '}' after a label", line.ToString());
            }
        }
    }

    internal static bool TryParseValue(ReadOnlySpan<char> token, out double value)
    {
        var unsigned = token.Length > 0 && (token[0] == '+' || token[0] == '-') ? token[1..] : token;
        if (unsigned.Equals("Inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("Infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = token[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (token.Equals("NaN", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        // No thousands separators, no currency, no hex: only what Go's ParseFloat and Java's Double.toString write.
        return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !token.IsEmpty;
    }

    private static ReadOnlySpan<char> NextToken(ref ReadOnlySpan<char> text)
    {
        text = text.TrimStart(" \t");
        var end = text.IndexOfAny(' ', '\t');
        if (end < 0)
        {
            end = text.Length;
        }

        var token = text[..end];
        text = text[end..].TrimStart(" \t");
        return token;
    }

    private static int SkipSpaces(ReadOnlySpan<char> line, int i)
    {
        while (i < line.Length && (line[i] == ' ' || line[i] == '\t'))
        {
            i++;
        }

        return i;
    }

    private static bool IsMetricName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            if (!IsNameChar(name[i], first: i == 0))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsNameChar(char c, bool first) =>
        char.IsAsciiLetter(c) || c == '_' || c == ':' || (!first && char.IsAsciiDigit(c));

    private static bool IsLabelNameChar(char c, bool first) =>
        char.IsAsciiLetter(c) || c == '_' || (!first && char.IsAsciiDigit(c));
}
