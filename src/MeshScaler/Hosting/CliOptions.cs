using System.CommandLine;
using System.Globalization;
using MeshScaler.Simulation;

namespace MeshScaler.Hosting;

/// <summary>
/// Options whose values are parsed by one rule and, when they do not parse, rejected with one message naming the
/// option and the value: <c>--max-replicas "0" is not an integer from 1 to 10000</c>.
/// </summary>
internal static class CliOptions
{
    public delegate bool TryParser<T>(string text, out T value);

    public const string PositiveDuration = "is not a positive duration (e.g. " + Core.Durations.Examples + ")";

    /// <param name="expectation">What a valid value is, completing "--name "value" ...".</param>
    public static Option<T> Value<T>(string name, string helpName, string description, T defaultValue, TryParser<T> parse, string expectation) => new(name)
    {
        HelpName = helpName,
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
            if (parse(text, out var value))
            {
                return value;
            }

            result.AddError($"{name} \"{text}\" {expectation}");
            return defaultValue;
        },
    };

    /// <summary>An optional positive duration (<see cref="DurationArgument"/>); null when not given.</summary>
    public static Option<TimeSpan?> OptionalDuration(string name, string description) =>
        Value<TimeSpan?>(name, "DURATION", description, null, TryParseDuration, PositiveDuration);

    public static bool TryParseDuration(string text, out TimeSpan? value)
    {
        var ok = DurationArgument.TryParse(text, out var parsed);
        value = ok ? parsed : null;
        return ok;
    }

    public static bool TryParseDouble(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    public static bool TryParseInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
}
