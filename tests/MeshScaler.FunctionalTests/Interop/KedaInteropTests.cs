using System.Text.Json;
using Google.Protobuf;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Keda;
using MeshScaler.Testing;

namespace MeshScaler.FunctionalTests.Interop;

/// <summary>
/// KEDA's side played by grpcio (Debian's python3-grpcio), an independent gRPC implementation, against the real host:
/// all four KEDA RPCs, a deadline, bad metadata and an unimplemented method. Never skipped.
/// </summary>
public sealed class KedaInteropTests
{
    [Fact]
    public async Task GrpcioKedaClient_AllRpcs_Interoperate()
    {
        await PythonProcess.RequireGrpcioAsync();
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic("persistent://public/default/orders", partitions: 2);
        host.Emulator.State.SetRates("persistent://public/default/orders", 40);
        host.Emulator.State.SetSubscription("persistent://public/default/orders", "public/default/orders-fn", backlog: 1234, msgRateOut: 30, consumers: 2);
        host.Emulator.State.CreateTopic("persistent://public/default/slow");
        host.Emulator.SetFault(EmulatorFault.Slow(TimeSpan.FromSeconds(3)), "/admin/v2/persistent/public/default/slow");

        var descriptor = Path.Combine(Path.GetTempPath(), $"externalscaler-{Guid.NewGuid():N}.pb");
        await File.WriteAllBytesAsync(descriptor, ScaledObjectRef.Descriptor.File.SerializedData.ToByteArray());
        try
        {
            var script = Path.Combine(AppContext.BaseDirectory, "Interop", "keda_client.py");
            var (exit, output, error) = await PythonProcess.RunAsync($"\"{script}\" 127.0.0.1:{host.GrpcPort} \"{descriptor}\" {host.AdminUrl}");

            Assert.True(exit == 0, $"keda_client.py exited with {exit}:\n{output}\n{error}");
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
        finally
        {
            File.Delete(descriptor);
        }
    }
}
