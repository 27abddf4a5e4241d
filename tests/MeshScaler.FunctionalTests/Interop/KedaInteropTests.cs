using System.Text.Json;
using Google.Protobuf;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Keda;
using MeshScaler.Testing;

namespace MeshScaler.FunctionalTests.Interop;

/// <summary>
/// KEDA's side played by two independent gRPC implementations against the real host: grpc-go, the one KEDA is built on
/// (Debian's grpc-go, built offline by Interop/go/build.sh), and grpcio (Debian's python3-grpcio). Both run the same
/// cases (all four KEDA RPCs, a server stream, a deadline, bad metadata and an unimplemented method) and must read the
/// same answers. Never skipped: a missing package fails the test with its install command.
/// </summary>
public sealed class KedaInteropTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task GrpcioKedaClient_AllRpcs_Interoperate()
    {
        await PythonProcess.RequireGrpcioAsync();
        await using var host = await StartAsync();
        var descriptor = Path.Combine(Path.GetTempPath(), $"externalscaler-{Guid.NewGuid():N}.pb");
        await File.WriteAllBytesAsync(descriptor, ScaledObjectRef.Descriptor.File.SerializedData.ToByteArray());
        try
        {
            var script = Path.Combine(AppContext.BaseDirectory, "Interop", "keda_client.py");
            var (exit, output, error) = await PythonProcess.RunAsync([script, $"127.0.0.1:{host.GrpcPort}", descriptor, host.AdminUrl]);

            AssertKedaAnswers("keda_client.py", exit, output, error);
        }
        finally
        {
            File.Delete(descriptor);
        }
    }

    [Fact]
    public async Task GrpcGoKedaClient_AllRpcs_Interoperate()
    {
        var binary = Path.Combine(Path.GetTempPath(), $"keda-client-{Guid.NewGuid():N}");
        try
        {
            var build = await ExternalProcess.RunAsync(Repository.Path("tests", "MeshScaler.FunctionalTests", "Interop", "go", "build.sh"), [binary], BuildTimeout);
            Assert.True(build.ExitCode == 0, $"building the grpc-go client failed ({build.ExitCode}); ./test.sh installs its Debian packages:\n{build.Output}\n{build.Error}");
            await using var host = await StartAsync();

            var (exit, output, error) = await ExternalProcess.RunAsync(binary, [$"127.0.0.1:{host.GrpcPort}", host.AdminUrl]);

            AssertKedaAnswers("keda_client (grpc-go)", exit, output, error);
        }
        finally
        {
            File.Delete(binary);
        }
    }

    /// <summary>A partitioned topic with a backlog, and a topic whose stats take 3 s (for the deadline).</summary>
    private static async Task<ScalerHost> StartAsync()
    {
        var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic("persistent://public/default/orders", partitions: 2);
        host.Emulator.State.SetRates("persistent://public/default/orders", 40);
        host.Emulator.State.SetSubscription("persistent://public/default/orders", "public/default/orders-fn", backlog: 1234, msgRateOut: 30, consumers: 2);
        host.Emulator.State.CreateTopic("persistent://public/default/slow");
        host.Emulator.SetFault(EmulatorFault.Slow(TimeSpan.FromSeconds(3)), "/admin/v2/persistent/public/default/slow");
        return host;
    }

    private static void AssertKedaAnswers(string client, int exit, string output, string error)
    {
        Assert.True(exit == 0, $"{client} exited with {exit}:\n{output}\n{error}");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var results = json.RootElement.GetProperty("results");
        var spec = Assert.Single(results.GetProperty("spec").EnumerateArray());
        Assert.Equal("pulsar-public-default-orders-public-default-orders-fn", spec.GetProperty("name").GetString());
        Assert.Equal(10, spec.GetProperty("targetSize").GetInt64());
        Assert.Equal(10, spec.GetProperty("targetSizeFloat").GetDouble());
        var value = Assert.Single(results.GetProperty("metrics").EnumerateArray());
        Assert.Equal(1234, value.GetProperty("valueFloat").GetDouble());
        Assert.Equal(1234, value.GetProperty("value").GetInt64());
        Assert.True(results.GetProperty("active").GetBoolean());
        Assert.True(results.GetProperty("stream_first").GetBoolean());
        Assert.Equal("DEADLINE_EXCEEDED", results.GetProperty("deadline").GetString());
        Assert.Equal("INVALID_ARGUMENT", results.GetProperty("invalid").GetProperty("code").GetString());
        Assert.Equal(
            "invalid trigger metadata: topic must be persistent://tenant/namespace/topic or tenant/namespace/topic, got \"orders\"; msgBacklogThreshold must be a number > 0, got \"abc\"",
            results.GetProperty("invalid").GetProperty("details").GetString());
        Assert.Equal("UNIMPLEMENTED", results.GetProperty("unimplemented").GetString());
    }
}
