using System.Globalization;

namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// Replays a CSV trace of <c>seconds,msgPerSecond</c> rows: each rate holds from its second until the next row's; 0
/// before the first row; the last rate holds to the end of the run.
/// </summary>
/// <remarks>
/// An optional header is allowed on the first non-blank line. Blank lines and lines starting with '#' are skipped.
/// Seconds must be finite, non-negative and strictly increasing; rates finite and non-negative. Every problem is
/// reported with its line number, all at once.
/// </remarks>
public static class TraceWorkload
{
    /// <summary>Reads a trace file. Throws <see cref="FormatException"/> naming the file and every bad line.</summary>
    public static StepWorkload Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FormatException($"trace file \"{path}\" does not exist");
        }

        using var reader = new StreamReader(path);
        return Parse(Path.GetFileName(path), reader);
    }

    /// <summary>Parses a trace. Throws <see cref="FormatException"/> naming <paramref name="name"/> and every bad line.</summary>
    public static StepWorkload Parse(string name, TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var errors = new List<string>();
        var steps = new List<(double, double)>();
        var lineNumber = 0;
        var sawData = false;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            var fields = text.Split(',');
            if (fields.Length != 2)
            {
                errors.Add($"line {lineNumber}: expected 2 fields \"seconds,msgPerSecond\", got {fields.Length}");
                sawData = true;
                continue;
            }

            var secondsOk = TryNumber(fields[0], out var seconds);
            var rateOk = TryNumber(fields[1], out var rate);
            if (!sawData && !secondsOk && !rateOk)
            {
                // The header: only the first line may be non-numeric in both fields.
                sawData = true;
                continue;
            }

            sawData = true;
            if (!secondsOk)
            {
                errors.Add($"line {lineNumber}: seconds \"{fields[0].Trim()}\" is not a number");
            }
            else if (seconds < 0)
            {
                errors.Add($"line {lineNumber}: seconds {fields[0].Trim()} is negative");
            }
            else if (steps.Count > 0 && seconds <= steps[^1].Item1)
            {
                errors.Add($"line {lineNumber}: seconds {fields[0].Trim()} is not after the previous row's {steps[^1].Item1.ToString(CultureInfo.InvariantCulture)}");
            }

            if (!rateOk)
            {
                errors.Add($"line {lineNumber}: msgPerSecond \"{fields[1].Trim()}\" is not a number");
            }
            else if (rate < 0)
            {
                errors.Add($"line {lineNumber}: msgPerSecond {fields[1].Trim()} is negative");
            }

            if (secondsOk && rateOk && seconds >= 0 && rate >= 0 && (steps.Count == 0 || seconds > steps[^1].Item1))
            {
                steps.Add((seconds, rate));
            }
        }

        if (errors.Count == 0 && steps.Count == 0)
        {
            errors.Add("no data rows (expected lines of \"seconds,msgPerSecond\")");
        }

        if (errors.Count > 0)
        {
            throw new FormatException($"trace {name}: {string.Join("; ", errors)}");
        }

        return new StepWorkload(name, steps);
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>
    /// A trace's own length: its last row's start plus the spacing before it (the trace's sampling interval), so the
    /// last row is played for as long as the one before. Null for a one-row trace, which has no length.
    /// </summary>
    public static TimeSpan? LengthOf(StepWorkload trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var steps = trace.Steps;
        if (steps.Count < 2)
        {
            return null;
        }

        var last = steps[^1].StartSeconds;
        return TimeSpan.FromSeconds(last + (last - steps[^2].StartSeconds));
    }
}
