using Google.Protobuf;

namespace MeshScaler.Testing;

/// <summary>What a gRPC call returned: HTTP status, messages, grpc-status and grpc-message.</summary>
internal sealed record GrpcCallResult<T>(int HttpStatus, IReadOnlyList<T> Messages, int? Status, string? Message, bool TrailersOnly)
    where T : IMessage<T>
{
    public T Single() => Messages.Count == 1 ? Messages[0] : throw new InvalidOperationException($"expected one message, got {Messages.Count} (status {Status}: {Message})");
}
