using System.Globalization;
using System.Text.RegularExpressions;

namespace MeshScaler.FunctionalTests.Metrics;

/// <summary>
/// A strict checker of the text exposition format 0.0.4, stricter than Prometheus itself: every line must be a
/// comment, HELP, TYPE or sample line; a family's TYPE comes before its samples, its samples are contiguous and
/// it appears once; histograms have ascending le buckets ending in +Inf, cumulative, +Inf equal to _count.
/// </summary>
internal static partial class ExpositionChecker
{
    private const string Name = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private const string Value = @"(?:NaN|[+-]Inf|[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)";

    public static IReadOnlyList<string> Check(string text)
    {
        var errors = new List<string>();
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            errors.Add("the last line does not end with '\\n'");
        }

        if (text.Contains('\r', StringComparison.Ordinal))
        {
            errors.Add("carriage return found; lines must end with '\\n' only");
        }

        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helps = new HashSet<string>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var samples = new HashSet<string>(StringComparer.Ordinal);
        var histograms = new Dictionary<string, HistogramCheck>(StringComparer.Ordinal);
        string? current = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i];
            var at = $"line {i + 1} '{line}'";
            if (line.Length == 0)
            {
                errors.Add($"{at}: empty line");
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var help = HelpLine().Match(line);
                if (!help.Success)
                {
                    errors.Add($"{at}: malformed HELP");
                    continue;
                }

                var family = help.Groups[1].Value;
                StartFamily(family, at);
                if (!helps.Add(family))
                {
                    errors.Add($"{at}: second HELP for {family}");
                }

                if (types.ContainsKey(family))
                {
                    errors.Add($"{at}: HELP after TYPE for {family}");
                }

                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var type = TypeLine().Match(line);
                if (!type.Success)
                {
                    errors.Add($"{at}: malformed TYPE");
                    continue;
                }

                var family = type.Groups[1].Value;
                StartFamily(family, at);
                if (!types.TryAdd(family, type.Groups[2].Value))
                {
                    errors.Add($"{at}: second TYPE for {family}");
                }

                continue;
            }

            if (line.StartsWith('#'))
            {
                if (line.Length > 1 && line[1] != ' ')
                {
                    errors.Add($"{at}: a comment must be '#' followed by a space");
                }

                continue;
            }

            var sample = SampleLine().Match(line);
            if (!sample.Success)
            {
                errors.Add($"{at}: not a valid sample line");
                continue;
            }

            var name = sample.Groups["name"].Value;
            var labels = ParseLabels(sample.Groups["labels"].Value, at, errors);
            var value = ParseValue(sample.Groups["value"].Value);
            if (current is null || !types.TryGetValue(current, out var currentType))
            {
                errors.Add($"{at}: sample before any TYPE line");
                continue;
            }

            if (!samples.Add(name + "{" + string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}"))
            {
                errors.Add($"{at}: duplicate sample");
            }

            switch (currentType)
            {
                case "histogram":
                    CheckHistogramSample(current, name, labels, value, at, errors, histograms);
                    break;
                case "counter":
                    if (name != current)
                    {
                        errors.Add($"{at}: sample {name} inside counter family {current}");
                    }

                    if (value < 0)
                    {
                        errors.Add($"{at}: negative counter value");
                    }

                    break;
                default:
                    if (name != current)
                    {
                        errors.Add($"{at}: sample {name} inside {currentType} family {current}");
                    }

                    break;
            }
        }

        foreach (var (key, histogram) in histograms)
        {
            histogram.Finish(key, errors);
        }

        return errors;

        void StartFamily(string family, string at)
        {
            if (current == family)
            {
                return;
            }

            if (current is not null)
            {
                finished.Add(current);
            }

            if (finished.Contains(family))
            {
                errors.Add($"{at}: family {family} appears twice");
            }

            current = family;
        }
    }

    private static void CheckHistogramSample(
        string family,
        string name,
        Dictionary<string, string> labels,
        double value,
        string at,
        List<string> errors,
        Dictionary<string, HistogramCheck> histograms)
    {
        string suffix;
        if (name == family + "_bucket")
        {
            suffix = "bucket";
        }
        else if (name == family + "_sum")
        {
            suffix = "sum";
        }
        else if (name == family + "_count")
        {
            suffix = "count";
        }
        else
        {
            errors.Add($"{at}: sample {name} inside histogram family {family}");
            return;
        }

        labels.Remove("le", out var le);
        var key = family + "{" + string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
        if (!histograms.TryGetValue(key, out var histogram))
        {
            histogram = new HistogramCheck();
            histograms.Add(key, histogram);
        }

        switch (suffix)
        {
            case "bucket" when le is null:
                errors.Add($"{at}: bucket without le");
                break;
            case "bucket":
                histogram.AddBucket(ParseValue(le), value, at, errors);
                break;
            case "sum":
                histogram.HasSum = true;
                break;
            default:
                histogram.Count = value;
                break;
        }
    }

    private static Dictionary<string, string> ParseLabels(string text, string at, List<string> errors)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text.Length == 0)
        {
            return labels;
        }

        foreach (Match label in LabelPair().Matches(text))
        {
            var name = label.Groups[1].Value;
            if (name.StartsWith("__", StringComparison.Ordinal))
            {
                errors.Add($"{at}: reserved label name {name}");
            }

            if (!labels.TryAdd(name, label.Groups[2].Value))
            {
                errors.Add($"{at}: duplicate label {name}");
            }
        }

        return labels;
    }

    private static double ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("^# HELP (" + Name + @") (?:[^\\\n]|\\[\\n])*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex("^# TYPE (" + Name + ") (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(
        "^(?<name>" + Name + @")(?:\{(?<labels>[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\[\\""n])*""(?:,[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\[\\""n])*"")*)\})? (?<value>" + Value + @")(?: -?\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\\n]|\\[\\""n])*)""")]
    private static partial Regex LabelPair();

    private sealed class HistogramCheck
    {
        private double _lastBound = double.NegativeInfinity;
        private double _lastCount;
        private double? _infCount;

        public bool HasSum { get; set; }

        public double? Count { get; set; }

        public void AddBucket(double bound, double count, string at, List<string> errors)
        {
            if (_infCount is not null)
            {
                errors.Add($"{at}: bucket after +Inf");
            }

            if (bound <= _lastBound && !double.IsPositiveInfinity(bound))
            {
                errors.Add($"{at}: le not ascending");
            }

            if (count < _lastCount)
            {
                errors.Add($"{at}: buckets not cumulative");
            }

            _lastBound = bound;
            _lastCount = count;
            if (double.IsPositiveInfinity(bound))
            {
                _infCount = count;
            }
        }

        public void Finish(string key, List<string> errors)
        {
            if (_infCount is null)
            {
                errors.Add($"{key}: no +Inf bucket");
            }

            if (!HasSum)
            {
                errors.Add($"{key}: no _sum");
            }

            if (Count is null)
            {
                errors.Add($"{key}: no _count");
            }
            else if (_infCount is not null && !_infCount.Value.Equals(Count.Value))
            {
                errors.Add($"{key}: +Inf bucket {_infCount} differs from _count {Count}");
            }
        }
    }
}
