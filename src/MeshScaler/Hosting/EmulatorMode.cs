using MeshScaler.Emulation.PulsarAdmin;

namespace MeshScaler.Hosting;

/// <summary>
/// <c>serve --emulator</c>: starts the Pulsar admin emulator with the demo workload in-process, configures it as the
/// only cluster (<c>emulator</c>), and runs the scaler against it, so a newcomer sees real metrics without Pulsar.
/// The emulator port is <c>MeshScaler:Emulator:Port</c> (default 8081).
/// </summary>
internal static class EmulatorMode
{
    public const string ClusterName = "emulator";

    public static async Task<int> RunAsync(string[] args)
    {
        var port = ReadPort(args);
        await using var emulator = await PulsarAdminEmulator.StartAsync(new PulsarAdminEmulatorOptions
        {
            Port = port,
            Workload = new DemoWorkload(),
        });
        Console.WriteLine($"Pulsar admin emulator listening on {emulator.BaseAddress} (demo topic {DemoWorkload.Topic})");

        await using var app = MeshScalerApp.Build(args, builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"MeshScaler:Pulsar:Clusters:{ClusterName}:AdminUrl"] = emulator.BaseAddress.ToString().TrimEnd('/'),
            });
            builder.Services.AddSingleton(new DemoReporterOptions(emulator.BaseAddress));
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
