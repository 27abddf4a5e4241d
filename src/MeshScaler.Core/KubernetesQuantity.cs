using System.Globalization;
using System.Text.RegularExpressions;

namespace MeshScaler.Core;

/// <summary>
/// Kubernetes <c>resource.Quantity</c> strings, as the custom and external metrics APIs carry values: written in the
/// canonical DecimalSI form the API server itself writes, and read in every form a client may send.
/// </summary>
/// <remarks>
/// Canonical DecimalSI (apimachinery <c>quantity.go</c>): an integer mantissa with the largest exponent that is a
/// multiple of 3 and leaves it whole (<c>2000</c> is <c>2k</c>, <c>1500</c> stays <c>1500</c>), at most three decimal
/// places as milli-units, and anything finer rounded up, away from zero (0.0001 is <c>1m</c>): the HPA reads
/// <c>MilliValue()</c>, so a finer value would be lost anyway, and rounding up never reports a non-zero backlog as 0.
/// </remarks>
public static class KubernetesQuantity
{
    /// <summary>
    /// The HPA computes in milli-units as an int64: values past this (in units) overflow there. Larger values are refused
    /// rather than wrapped.
    /// </summary>
    public const decimal MaxValue = 9_223_372_036_854_775m;

    private static readonly string[] DecimalSuffixes = ["", "k", "M", "G", "T", "P", "E"];

    /// <summary>The canonical DecimalSI form of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">NaN, infinite, or beyond <see cref="MaxValue"/>: there is no quantity to send.</exception>
    public static string Format(double value)
    {
        if (!double.IsFinite(value) || Math.Abs(value) > (double)MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "not a finite value within the HPA's int64 milli-units");
        }

        return Format((decimal)value);
    }

    /// <inheritdoc cref="Format(double)"/>
    public static string Format(decimal value)
    {
        if (Math.Abs(value) > MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "beyond the HPA's int64 milli-units");
        }

        var milli = value * 1000;
        var whole = milli < 0 ? decimal.Floor(milli) : decimal.Ceiling(milli);
        if (whole == 0)
        {
            return "0";
        }

        if (whole % 1000 != 0)
        {
            return whole.ToString(CultureInfo.InvariantCulture) + "m";
        }

        var units = whole / 1000;
        var exponent = 0;
        while (exponent < DecimalSuffixes.Length - 1 && units % 1000 == 0)
        {
            units /= 1000;
            exponent++;
        }

        return units.ToString(CultureInfo.InvariantCulture) + DecimalSuffixes[exponent];
    }

    /// <summary>
    /// Reads a quantity in any form apimachinery accepts: decimal suffixes <c>n u m k M G T P E</c>, binary suffixes
    /// <c>Ki Mi Gi Ti Pi Ei</c>, or an exponent (<c>1e3</c>), with an optional sign.
    /// </summary>
    public static bool TryParse(string? text, out decimal value, out string? error)
    {
        value = 0;
        error = null;
        var match = text is null ? Match.Empty : SyntaxRegex.Match(text);
        if (!match.Success)
        {
            error = $"'{text}' is not a quantity: expected a number with an optional suffix (n u m k M G T P E, Ki Mi Gi Ti Pi Ei) or exponent";
            return false;
        }

        if (!decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            error = $"'{text}' is not a quantity: '{match.Groups["number"].Value}' is not a number";
            return false;
        }

        var suffix = match.Groups["suffix"].Value;
        decimal? scale = suffix switch
        {
            "" => 1m,
            "n" => 1e-9m,
            "u" => 1e-6m,
            "m" => 1e-3m,
            "k" => 1e3m,
            "M" => 1e6m,
            "G" => 1e9m,
            "T" => 1e12m,
            "P" => 1e15m,
            "E" => 1e18m,
            "Ki" => 1024m,
            "Mi" => 1024m * 1024,
            "Gi" => 1024m * 1024 * 1024,
            "Ti" => 1024m * 1024 * 1024 * 1024,
            "Pi" => 1024m * 1024 * 1024 * 1024 * 1024,
            "Ei" => 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
            _ when suffix[0] is 'e' or 'E' && int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent) && Math.Abs(exponent) <= 18
                => Pow10(exponent),
            _ => null,
        };
        if (scale is not { } factor)
        {
            error = $"'{text}' is not a quantity: unknown suffix '{suffix}'";
            return false;
        }

        try
        {
            value = number * factor;
            return true;
        }
        catch (OverflowException)
        {
            error = $"'{text}' is not a quantity: too large";
            return false;
        }
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++)
        {
            result *= 10;
        }

        return exponent < 0 ? 1 / result : result;
    }

    // apimachinery's splitRE, with the number and the suffix named. Input comes from the network: linear-time matching
    // with a timeout.
    private static readonly Regex SyntaxRegex = new(
        @"^(?<number>[+-]?[0-9.]+)(?<suffix>[eEinumkKMGTP]*[-+]?[0-9]*)$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromMilliseconds(100));
}
