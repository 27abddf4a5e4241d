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
    public bool Succeeded => Target is not null;

    /// <summary>All errors in one line, as sent in an INVALID_ARGUMENT status.</summary>
    public string ErrorMessage => "invalid trigger metadata: " + string.Join("; ", Errors);
}
