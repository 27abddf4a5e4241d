using System.CommandLine;
using System.CommandLine.Help;
using MeshScaler.Simulation;

namespace MeshScaler.Hosting;

/// <summary>
/// The command line, on System.CommandLine: <c>serve</c> (the default verb), <c>whatif</c> and <c>simulate</c>, each with
/// its own <c>--help</c>. <c>serve</c> and <c>simulate</c> also take configuration settings
/// (<c>--MeshScaler:Grpc:Port=9090</c>, see <see cref="ConfigurationArguments"/>).
/// </summary>
/// <remarks>
/// Every parse error is printed, one line each naming the token, with exit code 2; nothing runs. Ctrl+C and SIGTERM
/// are left to the verbs (the host's own lifetime, the demo's loop): System.CommandLine's process-termination handling is
/// off, so it never force-exits a host that is still shutting down.
/// </remarks>
internal static class Cli
{
    public const int UsageError = 2;

    /// <summary>How messages name the program, whatever the executable is called.</summary>
    public const string Name = "meshscaler";

    private static readonly string[] HelpTokens = ["-h", "--help", "-?", "/?", "/h"];

    /// <summary>Built once, after the verbs (static fields initialize in order).</summary>
    private static readonly RootCommand Root = new("MeshScaler: Pulsar Functions autoscaling signals for KEDA (external scaler) and the HPA.")
    {
        ServeCommand.Command,
        WhatIfCommand.Command,
        SimulateCommand.Command,
        QueryCommand.Command,
    };

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = Root;
        var result = root.Parse(WithDefaultVerb(args));
        var errors = result.Errors.Select(e => e.Message).Concat(ConfigurationArguments.Errors(result)).ToList();
        if (errors.Count > 0 && result.Action is not HelpAction)
        {
            var verb = result.CommandResult.Command == root ? Name : $"{Name} {result.CommandResult.Command.Name}";
            foreach (var message in errors)
            {
                await error.WriteLineAsync($"{verb}: {message}");
            }

            await error.WriteLineAsync($"Run '{verb} --help' for usage.");
            return UsageError;
        }

        return await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null });
    }

    /// <summary>No verb, or only options and settings, means <c>serve</c>, as before the verbs existed.</summary>
    private static string[] WithDefaultVerb(string[] args) =>
        args.Length == 0 || (IsOptionOrSetting(args[0]) && !HelpTokens.Contains(args[0], StringComparer.Ordinal) && args[0] != "--version")
            ? ["serve", .. args]
            : args;

    private static bool IsOptionOrSetting(string arg) => arg.StartsWith('-') || arg.StartsWith('/') || arg.Contains('=', StringComparison.Ordinal);
}
