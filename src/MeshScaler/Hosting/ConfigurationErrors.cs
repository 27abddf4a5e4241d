using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace MeshScaler.Hosting;

/// <summary>
/// Flattens start-up failures the operator can fix (validation, one exception or one per options type; a port already in
/// use) into named messages.
/// </summary>
internal static class ConfigurationErrors
{
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
