using MeshScaler.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MeshScaler.FunctionalTests;

public sealed class ConfigurationTests
{
    [Fact]
    public void Build_SeveralInvalidSettings_ReportsEveryOneByName()
    {
        string[] args =
        [
            "--MeshScaler:Grpc:Port=99999",
            "--MeshScaler:Http:Address=localhost",
            "--MeshScaler:Pulsar:PollInterval=00:00:00",
            "--MeshScaler:Pulsar:Clusters:prod:AdminUrl=ftp://pulsar",
        ];

        var error = Assert.ThrowsAny<Exception>(() => MeshScalerApp.Build(args));
        var failures = ConfigurationErrors.From(error);

        Assert.Contains("MeshScaler:Grpc:Port must be between 0 and 65535, got 99999", failures);
        Assert.Contains("MeshScaler:Http:Address must be an IP address such as 0.0.0.0 or 127.0.0.1, got \"localhost\"", failures);
        Assert.Contains("MeshScaler:Pulsar:PollInterval must be greater than 0, got 00:00:00", failures);
        Assert.Contains(failures, f => f.StartsWith("MeshScaler:Pulsar:Clusters:prod:AdminUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_ValuesThatDoNotConvert_AreNamedWithTheOtherInvalidSettings()
    {
        string[] args =
        [
            "--MeshScaler:Grpc:Port=abc",
            "--MeshScaler:Pulsar:PollInterval=abc",
            "--MeshScaler:Pulsar:MaxRetries=2.5",
            "--MeshScaler:Pulsar:Clusters:prod:AdminUrl=http://pulsar:8080",
            "--MeshScaler:Pulsar:Clusters:prod:Tls:InsecureSkipVerify=maybe",
            "--MeshScaler:Http:Address=localhost",
        ];

        var error = Assert.ThrowsAny<Exception>(() => MeshScalerApp.Build(args));
        var failures = ConfigurationErrors.From(error);

        Assert.Contains("MeshScaler:Grpc:Port must be a whole number, got \"abc\"", failures);
        Assert.Contains("MeshScaler:Pulsar:PollInterval must be a duration: 90 (seconds), 500ms, 5s, 1m, 1h30m or 00:00:05, got \"abc\"", failures);
        Assert.Contains("MeshScaler:Pulsar:MaxRetries must be a whole number, got \"2.5\"", failures);
        Assert.Contains("MeshScaler:Pulsar:Clusters:prod:Tls:InsecureSkipVerify must be true or false, got \"maybe\"", failures);
        Assert.Contains("MeshScaler:Http:Address must be an IP address such as 0.0.0.0 or 127.0.0.1, got \"localhost\"", failures);
    }

    [Theory]
    [InlineData("5", 5)]
    [InlineData("2.5", 2.5)]
    [InlineData("5s", 5)]
    [InlineData("1m", 60)]
    [InlineData("00:00:05", 5)]
    public void Build_Durations_ReadAsOnTheCommandLine(string value, double seconds)
    {
        var app = MeshScalerApp.Build([$"--MeshScaler:Pulsar:PollInterval={value}", "--MeshScaler:Pulsar:WakePollInterval=00:00:00.5", "--MeshScaler:Grpc:Port=0", "--MeshScaler:Http:Port=0"]);

        Assert.Equal(TimeSpan.FromSeconds(seconds), app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MeshScaler.Engine.SignalStoreOptions>>().Value.PollInterval);
    }

    [Fact]
    public async Task Cli_ServeWithAValueThatDoesNotConvert_ExitsWith2NamingIt()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Cli.RunAsync(["serve", "--MeshScaler:Grpc:Port=abc"], output, error).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        Assert.Contains("MeshScaler:Grpc:Port must be a whole number, got \"abc\"", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_GrpcAndHttpOnSamePort_IsRefused()
    {
        var error = Assert.ThrowsAny<Exception>(() => MeshScalerApp.Build(["--MeshScaler:Grpc:Port=7000", "--MeshScaler:Http:Port=7000"]));

        Assert.Contains("MeshScaler:Grpc:Port and MeshScaler:Http:Port must differ, both are 7000", ConfigurationErrors.From(error));
    }

    [Fact]
    public async Task Cli_UnknownVerb_ExitsWithUsage()
    {
        Assert.Equal(2, await Cli.RunAsync(["frobnicate"]));
    }

    [Fact]
    public async Task Cli_ServeOnAPortInUse_ExitsWithConfigurationErrorNotAStackTrace()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var code = await Cli.RunAsync(["serve", $"--MeshScaler:Grpc:Port={port}", "--MeshScaler:Http:Port=0"]).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
    }

    [Fact]
    public async Task Cli_SimulateWithAValueThatDoesNotConvert_ExitsWith2NamingIt()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Cli.RunAsync(["simulate", "--MeshScaler:Grpc:Port=abc"], output, error).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        Assert.Contains("MeshScaler:Grpc:Port must be a whole number, got \"abc\"", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void From_AddressInUse_NamesThePortSettings()
    {
        var bind = new IOException("Failed to bind to address http://0.0.0.0:9090: address already in use.", new Microsoft.AspNetCore.Connections.AddressInUseException("Address already in use"));

        var failure = Assert.Single(ConfigurationErrors.From(new AggregateException(bind)));

        Assert.Equal(
            "Failed to bind to address http://0.0.0.0:9090: address already in use. Another process listens there: choose free ports with MeshScaler:Grpc:Port and MeshScaler:Http:Port.",
            failure);
    }

    [Fact]
    public async Task Cli_EmulatorWithBadPort_ExitsWithConfigurationError()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, await Cli.RunAsync(["serve", "--emulator", "--MeshScaler:Emulator:Port", "eighty"], output, error));
        Assert.Contains("MeshScaler:Emulator:Port must be a port number between 0 and 65535, got \"eighty\"", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_PerTargetSeriesBound_IsTheTriggerCachesSize()
    {
        using var app = MeshScalerApp.Build(["--MeshScaler:Grpc:Port=0", "--MeshScaler:Http:Port=0"]);

        Assert.Equal(MeshScaler.Keda.TriggerTargets.MaxEntries, app.Services.GetRequiredService<MeshScaler.Engine.EngineMetrics>().MaxTargetSeries);
    }
}
