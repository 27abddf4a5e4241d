namespace MeshScaler.Core;

/// <summary>
/// A deliberate, expected failure with a message fit for the caller (it never contains secrets).
/// Anything else thrown is a bug and is reported as such.
/// </summary>
public sealed class ScalingException : Exception
{
    public ScalingException(ScalingErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public ScalingErrorKind Kind { get; }

    /// <summary>True for failures that a later attempt may not repeat (connect errors, timeouts, 5xx).</summary>
    public bool IsTransient { get; init; }
}
