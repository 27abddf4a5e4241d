namespace MeshScaler.Core;

/// <summary>
/// The outcome of parsing trigger metadata: a target, or every error found. Unknown and ignored keys are reported
/// either way so the host can log them once.
/// </summary>
public sealed record MetadataParseResult(
    ScaleTarget? Target,
    IReadOnlyList<string> Errors,
    IReadOnlyList<string> UnknownKeys,
    IReadOnlyList<string> IgnoredKeys)
{
    /// <summary>
    /// A trigger naming a Function (<c>function:</c>): no <see cref="Target"/> yet, as the topics, subscription and
    /// admin URL are read from the resource in the ScaledObject's namespace at request time.
    /// </summary>
    public FunctionTrigger? Function { get; init; }

    public bool Succeeded => Target is not null || Function is not null;

    /// <summary>All errors in one line, as sent in an INVALID_ARGUMENT status.</summary>
    public string ErrorMessage => "invalid trigger metadata: " + string.Join("; ", Errors);
}
