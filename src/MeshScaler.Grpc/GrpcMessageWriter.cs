using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace MeshScaler.Grpc;

/// <summary>Writes length-prefixed, uncompressed messages to the response body.</summary>
internal static class GrpcMessageWriter
{
    private const int HeaderSize = 5;

    public static void Write(PipeWriter writer, IMessage message)
    {
        var size = message.CalculateSize();
        var header = writer.GetSpan(HeaderSize);
        header[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)size);
        writer.Advance(HeaderSize);
        message.WriteTo(writer);
    }
}
