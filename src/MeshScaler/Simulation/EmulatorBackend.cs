using MeshScaler.Core;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.Emulation.Simulation;
using MeshScaler.Pulsar;

namespace MeshScaler.Simulation;

/// <summary>
/// The what-if backend with full fidelity: the Pulsar admin emulator on loopback HTTP serving the model's state, read by
/// the real admin client (<c>AddPulsarAdmin</c>: parser, aggregation, resilience) on the simulation's clock.
/// </summary>
/// <remarks>
/// Retries are off (<c>MaxRetries</c> 0): their backoff waits on the virtual clock, which stands still while a call is
/// awaited, so a retried call would hang until the runner's call guard. A failed call is an error the policy sees at
/// once (KEDA changes nothing on an error; the next poll tries again).
/// </remarks>
internal static class EmulatorBackend
{
    public const string ClusterName = "sim";

    public static SimulationBackendFactory Factory { get; } = async (workload, clock, cancellationToken) =>
    {
        var emulator = await PulsarAdminEmulator.StartAsync(new PulsarAdminEmulatorOptions { TimeProvider = clock, Workload = workload }, cancellationToken);
        var url = emulator.BaseAddress.ToString().TrimEnd('/');
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"MeshScaler:Pulsar:Clusters:{ClusterName}:AdminUrl"] = url,
                ["MeshScaler:Pulsar:MaxRetries"] = "0",
            })
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton<TimeProvider>(clock)
            .AddPulsarAdmin()
            .BuildServiceProvider();
        return new SimulationBackend(
            services.GetRequiredService<IPulsarAdmin>(),
            services.GetRequiredService<IPulsarClusterResolver>(),
            new Uri(url),
            "Pulsar admin emulator over loopback HTTP, read by MeshScaler's real admin client and stats parser",
            async () =>
            {
                await services.DisposeAsync();
                await emulator.DisposeAsync();
            });
    };
}
