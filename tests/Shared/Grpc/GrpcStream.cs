using System.Buffers.Binary;
using Google.Protobuf;

namespace MeshScaler.Testing;

/// <summary>An open server stream: read framed messages one by one; dispose to cancel (RST_STREAM).</summary>
internal sealed class GrpcStream<T>(HttpResponseMessage response, Stream body, MessageParser<T> parser) : IDisposable
    where T : IMessage<T>
{
    public HttpResponseMessage Response => response;

    /// <summary>The next message, or null when the server ended the stream.</summary>
    public async Task<T?> ReadAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var header = new byte[5];
        if (!await ReadExactlyAsync(header, cts.Token))
        {
            return default;
        }

        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        if (!await ReadExactlyAsync(payload, cts.Token))
        {
            throw new InvalidOperationException("stream ended inside a message");
        }

        return parser.ParseFrom(payload);
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await body.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    public void Dispose()
    {
        body.Dispose();
        response.Dispose();
    }
}
