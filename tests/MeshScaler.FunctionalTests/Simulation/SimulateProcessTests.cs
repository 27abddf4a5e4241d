using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MeshScaler.FunctionalTests.Simulation;

/// <summary>The live demo as a real process: it must stop on SIGTERM (docker stop, kubectl delete, timeout) like the server.</summary>
public sealed class SimulateProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Simulate_Sigterm_StopsAndReleasesItsPorts()
    {
        var grpcPort = FreePort();
        var httpPort = FreePort();
        var host = typeof(Hosting.Cli).Assembly.Location;
        using var process = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { host, "simulate", $"--MeshScaler:Grpc:Port={grpcPort}", $"--MeshScaler:Http:Port={httpPort}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        // Drained so a full pipe never blocks the demo.
        _ = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            // Running once the gRPC port accepts connections.
            var deadline = DateTime.UtcNow + Timeout;
            while (!Accepts(grpcPort))
            {
                if (process.HasExited)
                {
                    Assert.Fail($"simulate exited early ({process.ExitCode}): {await error}");
                }

                Assert.True(DateTime.UtcNow < deadline, "simulate never listened on its gRPC port");
                await Task.Delay(100);
            }

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync().WaitAsync(Timeout);
            }

            await process.WaitForExitAsync().WaitAsync(Timeout);
            Assert.Equal(0, process.ExitCode);
            Assert.False(Accepts(grpcPort), "the gRPC port is still bound after exit");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
