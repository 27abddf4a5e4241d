using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace MeshScaler.Hosting;

/// <summary>
/// Flattens start-up failures the operator can fix (validation, one exception or one per options type; a port already in
/// use) into named messages.
/// </summary>
internal static class ConfigurationErrors
{
    /// <summary>
    /// Runs a verb that builds a host; invalid configuration ends it with every failure listed on
    /// <paramref name="error"/> and exit code 2, never a stack trace. Other failures propagate.
    /// </summary>
    public static async Task<int> ReportingAsync(Func<Task<int>> run, TextWriter error)
    {
        try
        {
            return await run();
        }
        catch (Exception ex) when (From(ex) is { Count: > 0 } failures)
        {
            await error.WriteLineAsync("invalid configuration:");
            foreach (var failure in failures)
            {
                await error.WriteLineAsync($"  - {failure}");
            }

            return Cli.UsageError;
        }
    }

    public static IReadOnlyList<string> From(Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        IOException { InnerException: AddressInUseException } bind =>
            [$"{bind.Message} Another process listens there: choose free ports with MeshScaler:Grpc:Port and MeshScaler:Http:Port."],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(From)],
        _ when exception.InnerException is { } inner => From(inner),
        _ => [],
    };
}
