using Google.Protobuf.WellKnownTypes;
using MeshScaler.Grpc.Tests.Infrastructure;
using MeshScaler.Testing;

namespace MeshScaler.Grpc.Tests;

public sealed class GrpcDeadlineTests
{
    [Fact]
    public async Task Unary_DeadlinePasses_DeadlineExceededAndHandlerCancelled()
    {
        var clock = new ManualTimeProvider();
        await using var host = await GrpcTestHost.StartAsync(timeProvider: clock);
        using var client = new GrpcTestClient(host.GrpcPort);
        using var request = client.CreateRequest(TestMethods.Wait, GrpcTestClient.Frame(new StringValue()));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "5S");

        var call = client.SendAsync(request);
        await host.Probe.HandlerStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(clock.GetUtcNow().AddSeconds(5), host.Probe.LastContext!.Deadline);
        Assert.False(host.Probe.HandlerCancelled.Task.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));
        var response = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((int)StatusCode.DeadlineExceeded, response.GrpcStatus);
        Assert.True(host.Probe.HandlerCancelled.Task.IsCompleted);
        Assert.Empty(host.Logs.Errors);
    }
}
