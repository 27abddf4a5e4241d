namespace MeshScaler.Prometheus;

/// <summary>An exposition that is not valid Prometheus text; the message names the line and what is wrong with it.</summary>
public sealed class ExpositionFormatException(int line, string reason, string text)
    : FormatException($"line {line}: {reason}: {Excerpt(text)}")
{
    /// <summary>The 1-based line number.</summary>
    public int Line { get; } = line;

    /// <summary>A line as it may appear in an error: at most 120 characters, control characters escaped.</summary>
    private static string Excerpt(string text)
    {
        var cut = text.Length > 120 ? string.Concat(text.AsSpan(0, 120), "…") : text;
        return "\"" + cut.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";
    }
}
