using System.Globalization;

namespace MeshScaler.Core;

/// <summary>
/// One reading of a duration for the command line and configuration alike: a bare number is seconds (<c>90</c>,
/// <c>1.5</c>), units combine (<c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>6h</c>, <c>1h30m</c>), and <c>[d.]hh:mm:ss[.fff]</c> is clock
/// time (<c>00:00:05</c>). A bare number never means days, as it would to <see cref="TimeSpan.Parse(string)"/>.
/// </summary>
public static class Durations
{
    /// <summary>What a valid duration looks like, for error messages.</summary>
    public const string Examples = "90 (seconds), 500ms, 5s, 1m, 1h30m or 00:00:05";

    /// <summary>Parses a duration of zero or more; false for anything else (negative, NaN, unknown unit, overflow).</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return false;
        }

        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            if (TimeSpan.TryParseExact(trimmed, "c", CultureInfo.InvariantCulture, out var clock) && clock >= TimeSpan.Zero)
            {
                duration = clock;
                return true;
            }

            return false;
        }

        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            return TryFromSeconds(plain, out duration);
        }

        var rest = trimmed.AsSpan();
        var total = 0.0;
        while (rest.Length > 0)
        {
            var i = 0;
            while (i < rest.Length && (char.IsAsciiDigit(rest[i]) || rest[i] == '.'))
            {
                i++;
            }

            if (i == 0 || i == rest.Length || !double.TryParse(rest[..i], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var end = i;
            while (end < rest.Length && char.IsAsciiLetterLower(rest[end]))
            {
                end++;
            }

            var unit = rest[i..end] switch { "h" => 3600.0, "m" => 60.0, "s" => 1.0, "ms" => 0.001, _ => 0.0 };
            if (unit == 0)
            {
                return false;
            }

            total += number * unit;
            rest = rest[end..];
        }

        return TryFromSeconds(total, out duration);
    }

    private static bool TryFromSeconds(double seconds, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
