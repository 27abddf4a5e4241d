using System.Text.Json;
using MeshScaler.Grpc.Tests.Infrastructure;
using MeshScaler.Testing;

namespace MeshScaler.Grpc.Tests.Interop;

/// <summary>The server against grpcio (Debian's python3-grpcio), an independent gRPC implementation.</summary>
public sealed class PythonInteropTests
{
    [Fact]
    public async Task GrpcioClient_AllCases_Succeed()
    {
        await PythonProcess.RequireGrpcioAsync();

        await using var host = await GrpcTestHost.StartAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "Interop", "interop_client.py");
        var (exit, output, error) = await PythonProcess.RunAsync($"\"{script}\" {host.GrpcPort}");

        Assert.True(exit == 0, $"interop_client.py exited with {exit}:\n{output}\n{error}");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var results = json.RootElement.GetProperty("results");
        Assert.Equal("echo: from python", results.GetProperty("unary").GetString());
        Assert.Equal([0, 1, 2, 3, 4], results.GetProperty("stream").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("DEADLINE_EXCEEDED", results.GetProperty("deadline").GetString());
        Assert.Equal("UNIMPLEMENTED", results.GetProperty("unimplemented").GetString());
        Assert.Equal("INVALID_ARGUMENT", results.GetProperty("rpc_error").GetProperty("code").GetString());
        Assert.Equal("bad: ✓ 100%", results.GetProperty("rpc_error").GetProperty("details").GetString());
        Assert.Equal(20000, results.GetProperty("gzip").GetInt32());
        Assert.Equal([0x08, 0x01], results.GetProperty("health").EnumerateArray().Select(e => e.GetInt32()));

        // The server saw the gzip request and cancelled the waiting handler at the deadline.
        Assert.Equal("gzip", host.Probe.LastEncoding);
        await host.Probe.HandlerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(host.Probe.LastContext!.Deadline);
        Assert.Empty(host.Logs.Errors);
    }
}
