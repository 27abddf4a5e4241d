namespace MeshScaler.Grpc;

/// <summary>Writes the messages of a server-streaming call.</summary>
/// <remarks>
/// Writes must not overlap: await each one before starting the next (an overlapping write throws
/// <see cref="InvalidOperationException"/>). Writing after the call was cancelled (client gone or deadline passed) throws
/// <see cref="OperationCanceledException"/>; writing after the handler returned throws <see cref="InvalidOperationException"/>.
/// </remarks>
public interface IServerStreamWriter<in T>
{
    /// <summary>Frames <paramref name="message"/> and flushes it to the client; completes when the transport accepted it.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
