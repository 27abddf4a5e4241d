namespace MeshScaler.Testing;

/// <summary>
/// Runs Debian's Python (<c>/usr/bin/python3</c>, where python3-grpcio is installed) for interop tests against an
/// independent gRPC implementation. Missing Python or grpcio fails the test with the install command; never skips.
/// </summary>
internal static class PythonProcess
{
    public const string Python = "/usr/bin/python3";
    public const string InstallHint = "Install it with `apt-get install -y python3-grpcio` (the test uses /usr/bin/python3, not a pyenv python).";

    /// <summary>Asserts that Python and its grpc module are available.</summary>
    public static async Task RequireGrpcioAsync()
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing. {InstallHint}");
        }

        var (exit, _, error) = await RunAsync(["-c", "import grpc"]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"Python module grpc is missing ({error.Trim()}). {InstallHint}");
        }
    }

    public static Task<(int ExitCode, string Output, string Error)> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        ExternalProcess.RunAsync(Python, arguments, timeout, start =>
        {
            // Keep grpcio quiet and independent of the caller's Python setup.
            start.Environment.Remove("PYTHONPATH");
            start.Environment.Remove("PYTHONHOME");
            start.Environment["GRPC_VERBOSITY"] = "ERROR";
        });
}
