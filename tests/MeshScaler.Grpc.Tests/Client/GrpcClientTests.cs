using Google.Protobuf.WellKnownTypes;
using MeshScaler.Grpc.Client;
using MeshScaler.Grpc.Tests.Infrastructure;

namespace MeshScaler.Grpc.Tests.Client;

public sealed class GrpcClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task UnaryAsync_Ok_ReturnsTheResponse()
    {
        await using var host = await GrpcTestHost.StartAsync();
        using var client = new GrpcClient(new Uri($"http://127.0.0.1:{host.GrpcPort}"));

        var response = await client.UnaryAsync(TestMethods.Unary, new StringValue { Value = "hi" }, StringValue.Parser).WaitAsync(Timeout);

        Assert.Equal("echo: hi", response.Value);
    }

    [Fact]
    public async Task UnaryAsync_ErrorStatus_ThrowsRpcExceptionWithCodeAndMessage()
    {
        await using var host = await GrpcTestHost.StartAsync();
        using var client = new GrpcClient(new Uri($"http://127.0.0.1:{host.GrpcPort}"));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(TestMethods.Fail, new StringValue { Value = "bad input ✓" }, StringValue.Parser).WaitAsync(Timeout));
        var missing = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync("/no.Such/Method", new StringValue(), StringValue.Parser).WaitAsync(Timeout));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal($"{TestMethods.Fail}: bad input ✓", error.Detail);
        Assert.Equal(StatusCode.Unimplemented, missing.StatusCode);
    }

    [Fact]
    public async Task ServerStreamingAsync_YieldsEveryMessageThenEnds()
    {
        await using var host = await GrpcTestHost.StartAsync();
        using var client = new GrpcClient(new Uri($"http://127.0.0.1:{host.GrpcPort}"));

        var values = new List<int>();
        await foreach (var item in client.ServerStreamingAsync(TestMethods.Count, new Int32Value { Value = 4 }, Int32Value.Parser).WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            values.Add(item.Value);
        }

        Assert.Equal([0, 1, 2, 3], values);
    }
}
