using System.CommandLine;

namespace MeshScaler.Hosting;

/// <summary>
/// <c>serve</c>: runs the KEDA external scaler and the ops endpoints; with <c>--emulator</c>, also the embedded Pulsar
/// admin emulator with a demo workload. Invalid configuration ends it with every failure named and exit code 2.
/// </summary>
internal static class ServeCommand
{
    private static readonly Option<bool> Emulator = new("--emulator")
    {
        Description = "Also start the embedded Pulsar admin emulator (MeshScaler:Emulator:Port, default 8081) with a demo workload, as the only cluster.",
    };

    /// <summary>The verb, built once: System.CommandLine gives each option one parent, and parsing only reads the tree.</summary>
    public static Command Command { get; } = Create();

    private static Command Create()
    {
        var command = new Command(
            "serve",
            "Run the KEDA external scaler (gRPC on MeshScaler:Grpc:Port, default 9090) and /metrics /healthz /readyz (MeshScaler:Http:Port, default 8080). "
            + "The default verb. Settings: --MeshScaler:Section:Key=value.")
        {
            Emulator,
        };
        command.AcceptingSettings().SetAction((result, _) =>
        {
            var settings = ConfigurationArguments.From(result);
            var error = result.InvocationConfiguration.Error;
            return result.GetValue(Emulator)
                ? ConfigurationErrors.ReportingAsync(() => EmulatorMode.RunAsync(settings), error)
                : ConfigurationErrors.ReportingAsync(() => ServeAsync(settings), error);
        });
        return command;
    }

    private static async Task<int> ServeAsync(string[] settings)
    {
        await using var app = MeshScalerApp.Build(settings);
        await app.RunAsync();
        return 0;
    }
}
