using Google.Protobuf;

namespace MeshScaler.Testing;

/// <summary>What a unary gRPC call returned: its message (none on an error), the status code and its detail.</summary>
internal sealed record GrpcCallResult<T>(IReadOnlyList<T> Messages, int Status, string Message)
    where T : IMessage<T>
{
    public T Single() => Messages.Count == 1 ? Messages[0] : throw new InvalidOperationException($"expected one message, got {Messages.Count} (status {Status}: {Message})");
}
