using System.Net;
using System.Net.Sockets;

namespace MeshScaler.FunctionalTests;

/// <summary>What an operator sees when <c>serve</c> cannot start, from the real process's own output.</summary>
public sealed class ServeProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Serve_PortInUse_PrintsTheOneUsefulLineAndExits2()
    {
        using var taken = new TcpListener(IPAddress.Any, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exit, output) = await RunAsync("serve", $"--MeshScaler:Grpc:Port={port}", "--MeshScaler:Http:Port=0");

        Assert.Equal(2, exit);
        Assert.Contains($"address already in use. Another process listens there: choose free ports with MeshScaler:Grpc:Port and MeshScaler:Http:Port.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("BackgroundService", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ValueThatDoesNotConvert_NamesItWithoutAStackTraceAndExits2()
    {
        var (exit, output) = await RunAsync("serve", "--MeshScaler:Grpc:Port=abc", "--MeshScaler:Pulsar:PollInterval=soon");

        Assert.Equal(2, exit);
        Assert.Contains("MeshScaler:Grpc:Port must be a whole number, got \"abc\"", output, StringComparison.Ordinal);
        Assert.Contains("MeshScaler:Pulsar:PollInterval must be a duration", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var (exit, output, error) = await ExternalProcess.RunAsync("dotnet", [typeof(Hosting.Cli).Assembly.Location, .. args], Timeout);
        return (exit, output + error);
    }
}
