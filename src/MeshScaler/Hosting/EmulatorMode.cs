using MeshScaler.Emulation.Kubernetes;
using MeshScaler.Emulation.PulsarAdmin;

namespace MeshScaler.Hosting;

/// <summary>
/// <c>serve --emulator</c>: starts the Pulsar admin emulator with the demo workload in-process, configures it as the
/// only cluster (<c>emulator</c>), starts a fake Kubernetes API server holding the demo Function, its ConfigMap and its
/// runner pods (emulated runners serving Prometheus text), and runs the scaler against both, so a newcomer sees
/// discovery and real metrics without Pulsar or a cluster. The emulator port is <c>MeshScaler:Emulator:Port</c>
/// (default 8081).
/// </summary>
internal static class EmulatorMode
{
    public const string ClusterName = "emulator";

    /// <summary>The demo Function: the one whose default subscription (its FQFN) the demo workload consumes with.</summary>
    public const string DemoFunction = "order-enricher";

    public const string DemoNamespace = "fm";

    public static async Task<int> RunAsync(string[] args)
    {
        var port = ReadPort(args);
        await using var emulator = await PulsarAdminEmulator.StartAsync(new PulsarAdminEmulatorOptions
        {
            Port = port,
            Workload = new DemoWorkload(),
        });
        Console.WriteLine($"Pulsar admin emulator listening on {emulator.BaseAddress} (demo topic {DemoWorkload.Topic})");
        await using var cluster = await DemoCluster.StartAsync(DemoNamespace, DemoFunction, DemoWorkload.Topic, emulator.BaseAddress, maxReplicas: 3);
        Console.WriteLine($"Fake Kubernetes API server listening on {cluster.Server.BaseAddress} (Function {DemoNamespace}/{DemoFunction}, its ConfigMap and runner pods)");

        await using var app = MeshScalerApp.Build(args, builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"MeshScaler:Pulsar:Clusters:{ClusterName}:AdminUrl"] = emulator.BaseAddress.ToString().TrimEnd('/'),
                ["MeshScaler:Kubernetes:Server"] = cluster.Server.BaseAddress.ToString(),
            });
            builder.Services.AddSingleton(cluster);
            builder.Services.AddHostedService<DemoRunners>();
            builder.Services.AddHostedService<DemoReporter>();
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>The emulator must listen before the host is built, so its port is read from the host's own sources early.</summary>
    private static int ReadPort(string[] args)
    {
        const string Key = "MeshScaler:Emulator:Port";
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        var value = configuration[Key];
        if (value is null)
        {
            return 8081;
        }

        return int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new Microsoft.Extensions.Options.OptionsValidationException(
                Key, typeof(int), [$"{Key} must be a port number between 0 and 65535, got \"{value}\""]);
    }
}
