using System.CommandLine;

namespace MeshScaler.Hosting;

/// <summary>
/// Configuration settings on the command line of <c>serve</c> and <c>simulate</c>, in the forms .NET's command-line
/// configuration reads (<c>--Section:Key=value</c>, <c>--Section:Key value</c>, <c>/Section:Key=value</c>,
/// <c>Section:Key=value</c>, and the host's <c>--environment</c>, <c>--contentRoot</c>, <c>--applicationName</c>), bound
/// by the host's configuration like <c>appsettings.json</c>. Any other token those
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
            else if (!HasValue(token))
            {
                if (i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal) && !tokens[i + 1].StartsWith('/'))
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

    /// <summary>The host's own settings, which have no section: which appsettings.{Environment}.json is read, and so on.</summary>
    private static readonly string[] HostKeys = ["environment", "contentRoot", "applicationName"];

    /// <summary>
    /// The forms .NET's command-line configuration reads: <c>--key</c>, <c>/key</c>, or <c>key=value</c>, where the key is
    /// a section path (<c>MeshScaler:Grpc:Port</c>, <c>Logging:LogLevel:Default</c>) or one of the host's keys.
    /// </summary>
    private static bool IsSetting(string token)
    {
        var key = token.StartsWith("--", StringComparison.Ordinal) ? token[2..]
            : token.StartsWith('/') ? token[1..]
            : token.Contains('=', StringComparison.Ordinal) ? token
            : null;
        if (key is null)
        {
            return false;
        }

        key = key.Split('=', 2)[0];
        return key.IndexOf(':', StringComparison.Ordinal) > 0 || HostKeys.Contains(key, StringComparer.OrdinalIgnoreCase);
    }

    private static bool HasValue(string token) =>
        token.Contains('=', StringComparison.Ordinal);
}
