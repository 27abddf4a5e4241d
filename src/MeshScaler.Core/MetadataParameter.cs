namespace MeshScaler.Core;

/// <summary>One row of the trigger-metadata table.</summary>
/// <param name="Name">The key, as in KEDA (case-sensitive). <c>NameFromEnv</c> is accepted as an alias.</param>
/// <param name="Required">Whether the key must be present (cross-field rules may relax this; see <see cref="TriggerMetadata"/>).</param>
/// <param name="Default">The default as documented, or null when there is none.</param>
/// <param name="Description">One line for the README table.</param>
/// <param name="Parse">Turns the raw value into a typed one, or returns an error naming the key and the value.</param>
public sealed record MetadataParameter(
    string Name,
    bool Required,
    string? Default,
    string Description,
    Func<string, string, MetadataValue> Parse);

/// <summary>The outcome of parsing one value: a typed value or an error message.</summary>
public readonly record struct MetadataValue(object? Value, string? Error)
{
    public static MetadataValue Ok(object? value) => new(value, null);

    public static MetadataValue Fail(string error) => new(null, error);
}
