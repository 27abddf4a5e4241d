namespace MeshScaler.Grpc;

/// <summary>Limits of the gRPC server. Validated when the host starts.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Default for <see cref="MaxReceiveMessageSize"/>: 4 MiB, the gRPC default.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// Largest request message accepted, in bytes, after decompression. Larger ones are refused with
    /// RESOURCE_EXHAUSTED; the length prefix is checked before the message is buffered. Default 4 MiB; must be positive.
    /// </summary>
    public int MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;
}
