namespace MeshScaler.Grpc;

/// <summary>
/// Thrown by a handler to end the call with a specific status. <see cref="Detail"/> is sent to the client as
/// <c>grpc-message</c> unchanged, so it must be fit for the caller (no secrets, no stack traces).
/// Any other exception from a handler is answered with <see cref="StatusCode.Unknown"/> and a generic message.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(StatusCode statusCode, string detail, Exception? innerException = null)
        : base(detail, innerException)
    {
        ArgumentNullException.ThrowIfNull(detail);
        StatusCode = statusCode;
        Detail = detail;
    }

    public StatusCode StatusCode { get; }

    /// <summary>The status message sent to the client (may be empty).</summary>
    public string Detail { get; }
}
