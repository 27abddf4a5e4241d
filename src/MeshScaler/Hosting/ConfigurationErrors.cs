using Microsoft.Extensions.Options;

namespace MeshScaler.Hosting;

/// <summary>Flattens start-up validation failures (one exception, or one per options type) into named messages.</summary>
internal static class ConfigurationErrors
{
    public static IReadOnlyList<string> From(Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(From)],
        _ when exception.InnerException is { } inner => From(inner),
        _ => [],
    };
}
