using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MeshScaler.Benchmarks;

/// <summary>
/// <c>MeshScaler serve</c> as its own process, so what is measured (resident memory, CPU time) is MeshScaler's alone,
/// not the fake cluster's that feeds it.
/// </summary>
internal sealed class MeshScalerProcess : IDisposable
{
    private readonly Process _process;

    private MeshScalerProcess(Process process, int httpPort)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Pid => _process.Id;

    public HttpClient Http { get; }

    /// <summary>gRPC port, for the triggers the benchmark sends.</summary>
    public int GrpcPort { get; private init; }

    /// <summary>Starts <c>serve</c> on free loopback ports with <paramref name="settings"/> as <c>--Key=value</c> arguments and waits for <c>/readyz</c>.</summary>
    public static async Task<MeshScalerProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "MeshScaler.dll");
        var (http, grpc) = (FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("serve");
        var all = new Dictionary<string, string>(settings)
        {
            ["MeshScaler:Http:Port"] = http.ToString(CultureInfo.InvariantCulture),
            ["MeshScaler:Http:Address"] = "127.0.0.1",
            ["MeshScaler:Grpc:Port"] = grpc.ToString(CultureInfo.InvariantCulture),
            ["MeshScaler:Grpc:Address"] = "127.0.0.1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in all)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new MeshScalerProcess(process, http) { GrpcPort = grpc };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"MeshScaler exited with {process.ExitCode}: {output}");
            }

            try
            {
                if ((await child.Http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return child;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                child.Dispose();
                throw new TimeoutException($"MeshScaler was not ready within 60 s: {output}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Resident set size now and its peak, in MiB, from <c>/proc/&lt;pid&gt;/status</c>.</summary>
    public (double Rss, double Peak) Memory()
    {
        double Field(string[] lines, string name) =>
            double.Parse(lines.Single(l => l.StartsWith(name, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        var status = File.ReadAllLines($"/proc/{Pid}/status");
        return (Field(status, "VmRSS:"), Field(status, "VmHWM:"));
    }

    /// <summary>User plus system CPU time the process has used, from <c>/proc/&lt;pid&gt;/stat</c>.</summary>
    public TimeSpan CpuTime()
    {
        // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime and
        // stime are fields 14 and 15, in clock ticks of 1/100 s on Linux.
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public void Dispose()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
