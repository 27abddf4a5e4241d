using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;

namespace MeshScaler.Grpc;

/// <summary>
/// Reads the single length-prefixed message of a unary or server-streaming request from the request body.
/// The frame may arrive in any number of DATA frames; the body must end right after it.
/// </summary>
internal static class GrpcMessageReader
{
    private const int HeaderSize = 5;

    public static async Task<TRequest> ReadSingleMessageAsync<TRequest>(
        PipeReader reader, MessageParser<TRequest> parser, RequestEncoding encoding, int maxSize, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            try
            {
                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("Reading the request message was cancelled.");
                }

                // Throws as soon as the buffered bytes can no longer be one acceptable message, so at most
                // one message plus one read is ever buffered.
                var complete = Inspect(buffer, maxSize, out var compressed, out var length);
                if (!result.IsCompleted)
                {
                    continue;
                }

                if (!complete)
                {
                    throw buffer.IsEmpty
                        ? new RpcException(StatusCode.Internal, "The request has no message; a unary or server-streaming request must contain exactly one.")
                        : new RpcException(StatusCode.Internal, $"The request message is truncated: the body ended after {buffer.Length} bytes of a {(length < 0 ? "5-byte header" : $"{HeaderSize + length}-byte frame")}.");
                }

                var message = Parse(buffer.Slice(HeaderSize, length), compressed, encoding, parser, maxSize);
                consumed = buffer.End;
                return message;
            }
            finally
            {
                reader.AdvanceTo(consumed, buffer.End);
            }
        }
    }

    /// <summary>True when <paramref name="buffer"/> holds exactly one whole frame; false when more bytes are needed.</summary>
    /// <param name="length">The message length from the prefix, or -1 while the header is incomplete.</param>
    private static bool Inspect(ReadOnlySequence<byte> buffer, int maxSize, out bool compressed, out int length)
    {
        compressed = false;
        length = -1;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(StatusCode.Internal, $"The request message has an invalid compressed flag {header[0]}; it must be 0 or 1."),
        };

        var declared = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (declared > (uint)maxSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"The request message is {declared} bytes, more than the maximum of {maxSize}.");
        }

        length = (int)declared;
        if (buffer.Length > HeaderSize + length)
        {
            throw new RpcException(StatusCode.Internal, "The request has more than one message; a unary or server-streaming request must contain exactly one.");
        }

        return buffer.Length == HeaderSize + length;
    }

    private static TRequest Parse<TRequest>(
        ReadOnlySequence<byte> payload, bool compressed, RequestEncoding encoding, MessageParser<TRequest> parser, int maxSize)
        where TRequest : IMessage<TRequest>
    {
        if (compressed)
        {
            if (encoding == RequestEncoding.Identity)
            {
                throw new RpcException(StatusCode.Internal, "The request message has the compressed flag set but the request has no grpc-encoding (or 'identity').");
            }

            payload = new ReadOnlySequence<byte>(Gunzip(payload, maxSize));
        }

        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(StatusCode.Internal, $"The request message is not a valid {typeof(TRequest).Name}: {ex.Message}");
        }
    }

    private static byte[] Gunzip(ReadOnlySequence<byte> payload, int maxSize)
    {
        try
        {
            using var input = new MemoryStream(payload.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = gzip.Read(chunk, 0, chunk.Length)) > 0)
            {
                // Checked while inflating so a small bomb cannot make the server allocate without bound.
                if (output.Length + read > maxSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted, $"The decompressed request message is more than the maximum of {maxSize} bytes.");
                }

                output.Write(chunk, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(StatusCode.Internal, $"The request message is not valid gzip: {ex.Message}");
        }
    }
}
