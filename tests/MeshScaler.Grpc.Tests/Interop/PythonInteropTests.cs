using System.Diagnostics;
using System.Text.Json;
using MeshScaler.Grpc.Tests.Infrastructure;

namespace MeshScaler.Grpc.Tests.Interop;

/// <summary>The server against grpcio (Debian's python3-grpcio), an independent gRPC implementation.</summary>
public sealed class PythonInteropTests
{
    private const string Python = "/usr/bin/python3";
    private const string InstallHint = "Install it with `apt-get install -y python3-grpcio` (the test uses /usr/bin/python3, not a pyenv python).";

    [Fact]
    public async Task GrpcioClient_AllCases_Succeed()
    {
        Assert.True(File.Exists(Python), $"{Python} is missing. {InstallHint}");
        var (probeExit, _, probeError) = await RunAsync("-c \"import grpc\"");
        Assert.True(probeExit == 0, $"Python module grpc is missing ({probeError.Trim()}). {InstallHint}");

        await using var host = await GrpcTestHost.StartAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "Interop", "interop_client.py");
        var (exit, output, error) = await RunAsync($"\"{script}\" {host.GrpcPort}");

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

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string arguments)
    {
        var start = new ProcessStartInfo(Python, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Keep grpcio quiet and independent of the caller's Python setup.
        start.Environment.Remove("PYTHONPATH");
        start.Environment.Remove("PYTHONHOME");
        start.Environment["GRPC_VERBOSITY"] = "ERROR";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
