using System.CommandLine;

namespace MeshScaler.Hosting;

/// <summary>
/// Configuration settings on the command line of <c>serve</c> and <c>simulate</c>: <c>--Section:Key=value</c> or
/// <c>--Section:Key value</c>, bound by the host's configuration like <c>appsettings.json</c>. Any other token those
/// verbs do not know is an error naming it, so a mistyped option is never silently ignored.
/// </summary>
internal static class ConfigurationArguments
{
    /// <summary>Leaves the verb's unknown tokens to <see cref="Errors"/> and the host's configuration.</summary>
    public static Command AcceptingSettings(this Command command)
    {
        command.TreatUnmatchedTokensAsErrors = false;
        return command;
    }

    /// <summary>The settings, for the host's configuration.</summary>
    public static string[] From(ParseResult result) => [.. result.UnmatchedTokens];

    /// <summary>
    /// For a verb that takes settings, one message per unknown token that is not a setting, or a setting without a value
    /// (other verbs' unknown tokens are System.CommandLine's own errors).
    /// </summary>
    public static IEnumerable<string> Errors(ParseResult result)
    {
        if (result.CommandResult.Command.TreatUnmatchedTokensAsErrors)
        {
            yield break;
        }

        var tokens = result.UnmatchedTokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!IsSetting(token))
            {
                yield return $"unrecognized option or argument '{token}' (settings are written --MeshScaler:Section:Key=value)";
            }
            else if (!token.Contains('=', StringComparison.Ordinal))
            {
                if (i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    i++;
                }
                else
                {
                    yield return $"setting '{token}' needs a value ({token}=value)";
                }
            }
        }
    }

    private static bool IsSetting(string token) =>
        token.StartsWith("--", StringComparison.Ordinal) && token.IndexOf(':', StringComparison.Ordinal) is > 2;
}
