namespace MeshScaler.Hosting;

/// <summary>
/// Command-line verbs. <c>serve</c> (the default) runs the scaler; <c>serve --emulator</c> also starts the embedded Pulsar
/// admin emulator with a demo workload and points the scaler at it. Everything else on the command line is
/// configuration (<c>--MeshScaler:Grpc:Port=9090</c>).
/// </summary>
internal static class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        switch (verb)
        {
            case "serve":
                var emulator = rest.Contains("--emulator", StringComparer.Ordinal);
                rest = [.. rest.Where(a => a != "--emulator")];
                return await ReportingConfigurationErrorsAsync(() => emulator ? EmulatorMode.RunAsync(rest) : ServeAsync(rest));
            case "whatif":
                return await Simulation.WhatIfCommand.RunAsync(rest);
            case "simulate":
                return await Simulation.SimulateCommand.RunAsync(rest);
            case "help" or "--help" or "-h":
                PrintUsage(Console.Out);
                return 0;
            default:
                await Console.Error.WriteLineAsync($"unknown command \"{verb}\"");
                PrintUsage(Console.Error);
                return 2;
        }
    }

    private static async Task<int> ServeAsync(string[] args)
    {
        await using var app = MeshScalerApp.Build(args);
        await app.RunAsync();
        return 0;
    }

    /// <summary>Invalid configuration ends the process with every failure listed and exit code 2, never a stack trace.</summary>
    private static async Task<int> ReportingConfigurationErrorsAsync(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception ex) when (ConfigurationErrors.From(ex) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync("invalid configuration:");
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync($"  - {failure}");
            }

            return 2;
        }
    }

    private static void PrintUsage(TextWriter writer) => writer.WriteLine("""
        usage: meshscaler [serve] [--emulator] [--MeshScaler:Section:Key=value ...]
               meshscaler whatif [options]
               meshscaler simulate [options]

          serve              run the KEDA external scaler (gRPC on MeshScaler:Grpc:Port, default 9090)
                             and the ops endpoints /metrics /healthz /readyz (MeshScaler:Http:Port, default 8080)
          serve --emulator   the same, plus an embedded Pulsar admin emulator with a demo workload
        """ + "\n" + Simulation.WhatIfCommand.Usage + "\n" + Simulation.SimulateCommand.Usage);
}
