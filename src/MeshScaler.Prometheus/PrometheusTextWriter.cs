using System.Text;

namespace MeshScaler.Prometheus;

/// <summary>
/// Writes metric families in the Prometheus text exposition format 0.0.4.
/// </summary>
/// <remarks>
/// Output is deterministic: families sorted by Prometheus name (ordinal), series by label set.
/// Families whose instruments map to the same Prometheus name are merged into one family when their types agree;
/// the first family in input order supplies the HELP text and wins when two series carry the same label set.
/// A family of a different type under an existing name, and a duplicate series, are skipped and named in a
/// <c>#</c> comment line inside the surviving family (and returned, so the caller can log them). Summing
/// duplicates instead would silently mix two meanings under one name; skipping keeps the output valid and the
/// conflict visible.
/// </remarks>
internal static class PrometheusTextWriter
{
    /// <summary>The HTTP Content-Type of the text format this writer produces.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private const string HistogramBoundLabel = "le";

    /// <summary>Writes <paramref name="families"/> to <paramref name="output"/>, lines ending in '\n'.</summary>
    /// <returns>One message per skipped family or series (empty when there was no conflict).</returns>
    public static IReadOnlyList<string> Write(IEnumerable<MetricFamily> families, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(output);

        var conflicts = new List<string>();
        var merged = Merge(families, conflicts);
        foreach (var family in merged.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            WriteFamily(family, output);
        }

        return conflicts;
    }

    private static List<PendingFamily> Merge(IEnumerable<MetricFamily> families, List<string> conflicts)
    {
        var byName = new Dictionary<string, PendingFamily>(StringComparer.Ordinal);
        foreach (var family in families)
        {
            ArgumentNullException.ThrowIfNull(family);
            if (family.Series.Count == 0)
            {
                continue;
            }

            var name = PrometheusNaming.MetricName(family.Name, family.Unit, family.Type);
            if (!byName.TryGetValue(name, out var pending))
            {
                pending = new PendingFamily(name, family.Type);
                byName.Add(name, pending);
            }
            else if (pending.Type != family.Type)
            {
                AddConflict(
                    pending,
                    conflicts,
                    $"instrument {Describe(family)} ({TypeName(family.Type)}) skipped: '{name}' is already a {TypeName(pending.Type)}");
                continue;
            }

            if (string.IsNullOrEmpty(pending.Help) && !string.IsNullOrEmpty(family.Help))
            {
                pending.Help = family.Help;
            }

            foreach (var series in family.Series)
            {
                var labels = NormalizeLabels(series.Labels, family.Type);
                var rendered = RenderLabels(labels, extraName: null, extraValue: null);
                if (!pending.Series.TryAdd(rendered, new PendingSeries(labels, rendered, series)))
                {
                    AddConflict(
                        pending,
                        conflicts,
                        $"duplicate series {name}{rendered} from instrument {Describe(family)} skipped");
                }
            }
        }

        return [.. byName.Values];
    }

    private static void AddConflict(PendingFamily family, List<string> conflicts, string message)
    {
        family.Notes.Add(message);
        conflicts.Add(message);
    }

    private static string Describe(MetricFamily family) =>
        family.Meter is null ? $"'{family.Name}'" : $"'{family.Name}' of meter '{family.Meter}'";

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown metric type."),
    };

    /// <summary>Sanitized, sorted by name, first of each name kept; a histogram's own <c>le</c> tag is renamed.</summary>
    private static KeyValuePair<string, string>[] NormalizeLabels(
        IReadOnlyList<KeyValuePair<string, string>> labels,
        MetricType type)
    {
        if (labels.Count == 0)
        {
            return [];
        }

        var normalized = new List<KeyValuePair<string, string>>(labels.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var label in labels
            .Select(l => KeyValuePair.Create(LabelName(l.Key, type), l.Value ?? string.Empty))
            .OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (seen.Add(label.Key))
            {
                normalized.Add(label);
            }
        }

        return [.. normalized];
    }

    private static string LabelName(string tagName, MetricType type)
    {
        var name = PrometheusNaming.LabelName(tagName);
        return type == MetricType.Histogram && name == HistogramBoundLabel ? "_" + name : name;
    }

    private static string RenderLabels(KeyValuePair<string, string>[] labels, string? extraName, string? extraValue)
    {
        if (labels.Length == 0 && extraName is null)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        builder.Append('{');
        var first = true;
        foreach (var label in labels)
        {
            AppendLabel(builder, label.Key, label.Value, ref first);
        }

        if (extraName is not null)
        {
            AppendLabel(builder, extraName, extraValue ?? string.Empty, ref first);
        }

        builder.Append('}');
        return builder.ToString();
    }

    private static void AppendLabel(StringBuilder builder, string name, string value, ref bool first)
    {
        if (!first)
        {
            builder.Append(',');
        }

        first = false;
        builder.Append(name).Append("=\"").Append(PrometheusFormat.EscapeLabelValue(value)).Append('"');
    }

    private static void WriteFamily(PendingFamily family, TextWriter output)
    {
        foreach (var note in family.Notes)
        {
            WriteLine(output, "# MeshScaler: " + PrometheusFormat.EscapeHelp(note));
        }

        if (!string.IsNullOrEmpty(family.Help))
        {
            WriteLine(output, $"# HELP {family.Name} {PrometheusFormat.EscapeHelp(family.Help)}");
        }

        WriteLine(output, $"# TYPE {family.Name} {TypeName(family.Type)}");
        foreach (var series in family.Series.Values.OrderBy(s => s.Labels, LabelSetComparer.Instance))
        {
            if (family.Type == MetricType.Histogram)
            {
                WriteHistogram(family.Name, series, output);
            }
            else
            {
                WriteLine(output, $"{family.Name}{series.Rendered} {PrometheusFormat.FormatValue(series.Source.Value)}");
            }
        }
    }

    private static void WriteHistogram(string name, PendingSeries series, TextWriter output)
    {
        var bounds = series.Source.UpperBounds;
        var counts = series.Source.BucketCounts;
        if (bounds is null || counts is null)
        {
            throw new ArgumentException($"Series {name}{series.Rendered} of a histogram family carries no buckets.", nameof(series));
        }

        long cumulative = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            cumulative += counts[i];
            var le = i < bounds.Count ? PrometheusFormat.FormatDouble(bounds[i]) : "+Inf";
            WriteLine(output, $"{name}_bucket{RenderLabels(series.Labels, HistogramBoundLabel, le)} {cumulative.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        WriteLine(output, $"{name}_sum{series.Rendered} {PrometheusFormat.FormatDouble(series.Source.Value.Double)}");
        WriteLine(output, $"{name}_count{series.Rendered} {cumulative.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    private static void WriteLine(TextWriter output, string line)
    {
        // Prometheus requires '\n'; TextWriter.WriteLine would use the platform newline.
        output.Write(line);
        output.Write('\n');
    }

    private sealed class PendingFamily(string name, MetricType type)
    {
        public string Name { get; } = name;

        public MetricType Type { get; } = type;

        public string? Help { get; set; }

        public List<string> Notes { get; } = [];

        public Dictionary<string, PendingSeries> Series { get; } = new(StringComparer.Ordinal);
    }

    private sealed record PendingSeries(KeyValuePair<string, string>[] Labels, string Rendered, MetricSeries Source);

    /// <summary>Orders label sets pairwise by name then value (ordinal); a prefix sorts first.</summary>
    private sealed class LabelSetComparer : IComparer<KeyValuePair<string, string>[]>
    {
        public static readonly LabelSetComparer Instance = new();

        public int Compare(KeyValuePair<string, string>[]? x, KeyValuePair<string, string>[]? y)
        {
            x ??= [];
            y ??= [];
            for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
            {
                var byName = string.CompareOrdinal(x[i].Key, y[i].Key);
                if (byName != 0)
                {
                    return byName;
                }

                var byValue = string.CompareOrdinal(x[i].Value, y[i].Value);
                if (byValue != 0)
                {
                    return byValue;
                }
            }

            return x.Length.CompareTo(y.Length);
        }
    }
}
