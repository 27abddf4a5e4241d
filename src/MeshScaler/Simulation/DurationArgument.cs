using System.Globalization;

namespace MeshScaler.Simulation;

/// <summary>
/// Durations on the command line: <c>90</c> (seconds), <c>30s</c>, <c>15m</c>, <c>6h</c>, combinations like <c>1h30m</c>,
/// or <c>hh:mm:ss</c> (<c>00:00:30</c>, as configuration and the help's defaults write them). Only positive ones.
/// </summary>
internal static class DurationArgument
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParseExact(text.Trim(), "c", CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            duration = TimeSpan.FromSeconds(plain);
            return double.IsFinite(plain) && plain > 0;
        }

        var rest = text.AsSpan().Trim();
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

            var unit = rest[i] switch { 'h' => 3600.0, 'm' => 60.0, 's' => 1.0, _ => 0.0 };
            if (unit == 0)
            {
                return false;
            }

            total += number * unit;
            rest = rest[(i + 1)..];
        }

        duration = TimeSpan.FromSeconds(total);
        return total > 0;
    }
}
