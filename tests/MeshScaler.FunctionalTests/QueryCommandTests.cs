using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Hosting;

namespace MeshScaler.FunctionalTests;

/// <summary>The <c>query</c> verb against the real host: KEDA's questions from the command line, answers as JSON.</summary>
public sealed class QueryCommandTests
{
    private const string Topic = "persistent://public/default/orders";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("IsActive", "{ \"result\": true }")]
    [InlineData("StreamIsActive", "{ \"result\": true }")]
    [InlineData("GetMetricSpec", "{ \"metricSpecs\": [ { \"metricName\": \"pulsar-public-default-orders-sub\", \"targetSize\": \"10\", \"targetSizeFloat\": 10 } ] }")]
    [InlineData("GetMetrics", "{ \"metricValues\": [ { \"metricName\": \"pulsar-public-default-orders-sub\", \"metricValue\": \"42\", \"metricValueFloat\": 42 } ] }")]
    public async Task Query_EachMethod_PrintsTheAnswerAsJson(string method, string expected)
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetSubscription(Topic, "sub", backlog: 42);

        var (code, output, error) = await QueryAsync(host, method, "-m", $"adminURL={host.AdminUrl}", "-m", $"topic={Topic}", "-m", "subscription=sub");

        Assert.True(code == 0, error);
        Assert.Equal(expected, output.Trim());
    }

    [Fact]
    public async Task Query_BadMetadata_PrintsTheStatusAndExits1()
    {
        await using var host = await ScalerHost.StartAsync();

        var (code, _, error) = await QueryAsync(host, "IsActive", "-m", $"adminURL={host.AdminUrl}", "-m", "subscription=sub");

        Assert.Equal(1, code);
        Assert.StartsWith("IsActive: INVALID_ARGUMENT: invalid trigger metadata: exactly one of topic", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("IsAktive", "'IsAktive'")]
    [InlineData("IsActive", "--metadata \"topic\" is not KEY=VALUE", "-m", "topic")]
    public async Task Query_Mistake_ExitsWith2NamingIt(string method, string expected, params string[] more)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Cli.RunAsync(["query", method, .. more], output, error).WaitAsync(Timeout);

        Assert.Equal(2, code);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> QueryAsync(ScalerHost host, string method, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Cli.RunAsync(["query", method, "--address", $"127.0.0.1:{host.GrpcPort}", .. args], output, error).WaitAsync(Timeout);
        return (code, output.ToString(), error.ToString());
    }
}
