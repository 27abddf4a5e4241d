using Google.Protobuf;
using Grpc.Core;

namespace MeshScaler.Testing;

/// <summary>An open server stream: read messages one by one; dispose to cancel it.</summary>
internal sealed class GrpcStream<T>(AsyncServerStreamingCall<T> call) : IDisposable
    where T : IMessage<T>
{
    /// <summary>The next message, or null when the server ended the stream (its <see cref="Status"/> is then known).</summary>
    /// <exception cref="RpcException">The stream ended with an error status.</exception>
    public async Task<T?> ReadAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await call.ResponseStream.MoveNext(cts.Token) ? call.ResponseStream.Current : default;
    }

    /// <summary>The final status, once the server ended the stream.</summary>
    public Status Status => call.GetStatus();

    public void Dispose() => call.Dispose();
}
