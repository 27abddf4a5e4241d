using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf.WellKnownTypes;
using MeshScaler.Grpc.Tests.Infrastructure;

namespace MeshScaler.Grpc.Tests;

public sealed class GrpcMessageReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(64)]
    public async Task ReadSingleMessageAsync_ArrivesInChunks_Reassembles(int chunkSize)
    {
        var frame = GrpcTestClient.Frame(new StringValue { Value = "chunked message" });
        var pipe = new Pipe();
        var read = GrpcMessageReader.ReadSingleMessageAsync(pipe.Reader, StringValue.Parser, RequestEncoding.Identity, 1024, CancellationToken.None);

        for (var offset = 0; offset < frame.Length; offset += chunkSize)
        {
            await pipe.Writer.WriteAsync(frame.AsMemory(offset, Math.Min(chunkSize, frame.Length - offset)));
        }

        Assert.False(read.IsCompleted, "a unary request is only whole once the body ends");
        await pipe.Writer.CompleteAsync();
        var message = await read.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("chunked message", message.Value);
    }

    [Fact]
    public async Task ReadSingleMessageAsync_EmptyMessage_ParsesDefault()
    {
        var message = await ReadAsync(GrpcTestClient.Frame([]));

        Assert.Equal(string.Empty, message.Value);
    }

    public static TheoryData<string, byte[], StatusCode> BadBodies => new()
    {
        { "no message", [], StatusCode.Internal },
        { "partial header", [0, 0, 0], StatusCode.Internal },
        { "truncated payload", [0, 0, 0, 0, 9, 0x0A], StatusCode.Internal },
        { "two messages", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], StatusCode.Internal },
        { "flag 2", [2, 0, 0, 0, 0], StatusCode.Internal },
        { "over max", [0, 0, 0, 4, 1], StatusCode.ResourceExhausted },
        { "compressed without encoding", [1, 0, 0, 0, 0], StatusCode.Internal },
        { "not protobuf", [0, 0, 0, 0, 2, 0xFF, 0xFF], StatusCode.Internal },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task ReadSingleMessageAsync_BadBody_Throws(string name, byte[] body, StatusCode expected)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(body));

        Assert.True(expected == error.StatusCode, $"{name}: expected {expected}, got {error.StatusCode} ({error.Detail})");
    }

    [Fact]
    public async Task ReadSingleMessageAsync_InvalidGzip_Internal()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(GrpcTestClient.Frame([1, 2, 3, 4], compressedFlag: 1), RequestEncoding.Gzip));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("gzip", error.Detail, StringComparison.Ordinal);
    }

    private static async Task<StringValue> ReadAsync(byte[] body, RequestEncoding encoding = RequestEncoding.Identity)
    {
        var reader = PipeReader.Create(new ReadOnlySequence<byte>(body));
        return await GrpcMessageReader.ReadSingleMessageAsync(reader, StringValue.Parser, encoding, 1024, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
