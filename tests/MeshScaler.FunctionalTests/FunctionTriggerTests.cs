using MeshScaler.Emulation.Kubernetes;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Keda;

namespace MeshScaler.FunctionalTests;

/// <summary>
/// Triggers that name a Function (<c>function:</c>) over real gRPC, against the host watching the fake Kubernetes API
/// server and the Pulsar admin emulator: discovery, changes without restart, and the errors that name what is missing.
/// </summary>
public sealed class FunctionTriggerTests
{
    private const string Topic = "persistent://public/default/orders";
    private const string IsActive = "/externalscaler.ExternalScaler/IsActive";
    private const string GetMetricSpec = "/externalscaler.ExternalScaler/GetMetricSpec";
    private const string GetMetrics = "/externalscaler.ExternalScaler/GetMetrics";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static ScaledObjectRef Ref(string function = "enricher", params (string Key, string Value)[] extra)
    {
        var reference = new ScaledObjectRef { Name = function, Namespace = "fm", ScalerMetadata = { ["function"] = function } };
        foreach (var (key, value) in extra)
        {
            reference.ScalerMetadata[key] = value;
        }

        return reference;
    }

    private static async Task<ScalerHost> StartAsync(Action<Dictionary<string, string?>, Uri>? configure = null)
    {
        var host = await ScalerHost.StartAsync(configure);
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetSubscription(Topic, "public/default/enricher", backlog: 40);
        host.Kubernetes.Apply("configmaps", FunctionMeshObjects.ConfigMap("fm", "pulsar-config", host.AdminUrl));
        host.Kubernetes.Apply("functions", FunctionMeshObjects.Function("fm", "enricher", [Topic]));
        return host;
    }

    /// <summary>Calls until the answer is OK (the watch has delivered what the test applied), or fails with the last status.</summary>
    private static async Task<GetMetricsResponse> MetricsWhenReadyAsync(ScalerHost host, ScaledObjectRef reference, Func<GetMetricsResponse, bool>? until = null)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var result = await host.Grpc.UnaryAsync(GetMetrics, new GetMetricsRequest { ScaledObjectRef = reference }, GetMetricsResponse.Parser);
            if (result.Status == 0 && (until is null || until(result.Single())))
            {
                return result.Single();
            }

            Assert.True(DateTime.UtcNow < deadline, $"no answer: status {result.Status}: {result.Message}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task FunctionAlone_DiscoversTopicsSubscriptionAndCluster()
    {
        await using var host = await StartAsync();

        var metrics = await MetricsWhenReadyAsync(host, Ref());
        var spec = (await host.Grpc.UnaryAsync(GetMetricSpec, Ref(), GetMetricSpecResponse.Parser)).Single().MetricSpecs.Single();

        Assert.Equal(40, metrics.MetricValues.Single().MetricValueFloat);
        Assert.Equal("pulsar-function-fm-enricher", spec.MetricName);
        Assert.Equal("pulsar-function-fm-enricher", metrics.MetricValues.Single().MetricName);
    }

    [Fact]
    public async Task ChangedFunction_TakesEffectOnItsWatchEvent()
    {
        await using var host = await StartAsync();
        await MetricsWhenReadyAsync(host, Ref());
        host.Emulator.State.CreateTopic("persistent://public/default/orders-v2");
        host.Emulator.State.SetSubscription("persistent://public/default/orders-v2", "mine", backlog: 7);

        host.Kubernetes.Apply("functions", FunctionMeshObjects.Function("fm", "enricher", ["persistent://public/default/orders-v2"], subscriptionName: "mine"));

        var metrics = await MetricsWhenReadyAsync(host, Ref(), m => m.MetricValues.Single().MetricValueFloat == 7);
        Assert.Equal("pulsar-function-fm-enricher", metrics.MetricValues.Single().MetricName);
    }

    [Fact]
    public async Task ExplicitKeys_WinOverTheResource()
    {
        await using var host = await StartAsync();
        host.Emulator.State.CreateTopic("persistent://public/default/other");
        host.Emulator.State.SetSubscription("persistent://public/default/other", "explicit", backlog: 3);

        var metrics = await MetricsWhenReadyAsync(host, Ref(extra: [("topic", "persistent://public/default/other"), ("subscription", "explicit")]));

        Assert.Equal(3, metrics.MetricValues.Single().MetricValueFloat);
    }

    [Fact]
    public async Task Errors_NameWhatIsMissing()
    {
        await using var host = await StartAsync();
        host.Kubernetes.Apply("functions", FunctionMeshObjects.Function("fm", "no-config", [Topic], pulsarConfig: "absent"));
        host.Kubernetes.Apply("configmaps", FunctionMeshObjects.ConfigMap("fm", "elsewhere", "http://pulsar.other.svc:8080"));
        host.Kubernetes.Apply("functions", FunctionMeshObjects.Function("fm", "other-cluster", [Topic], pulsarConfig: "elsewhere"));
        await MetricsWhenReadyAsync(host, Ref());

        var missing = await WhenWatchedAsync(host, Ref("nobody"), 5);
        Assert.Equal("Function fm/nobody not found", missing.Message);

        var noConfig = await WhenWatchedAsync(host, Ref("no-config"), 3);
        Assert.Equal("Function fm/no-config: ConfigMap fm/absent named by spec.pulsar.pulsarConfig does not exist; set adminURL or pulsarCluster", noConfig.Message);

        var otherCluster = await WhenWatchedAsync(host, Ref("other-cluster"), 3);
        Assert.StartsWith("Function fm/other-cluster: the webServiceURL http://pulsar.other.svc:8080/ of its pulsarConfig ConfigMap is not a cluster MeshScaler may use", otherCluster.Message, StringComparison.Ordinal);

        // The other Functions kept working.
        Assert.Equal(0, (await host.Grpc.UnaryAsync(IsActive, Ref(), IsActiveResponse.Parser)).Status);
    }

    [Fact]
    public async Task NoCluster_FunctionTriggerSaysHowToEnableIt()
    {
        await using var host = await ScalerHost.StartAsync((settings, _) => settings["MeshScaler:Kubernetes:Enabled"] = "false");

        var result = await host.Grpc.UnaryAsync(IsActive, Ref(), IsActiveResponse.Parser);

        Assert.Equal(3, result.Status);
        Assert.StartsWith("function: needs the Kubernetes API", result.Message, StringComparison.Ordinal);
    }

    /// <summary>The status once the watch has delivered the objects (the cache may list a moment after the host starts).</summary>
    private static async Task<GrpcCallResult<IsActiveResponse>> WhenWatchedAsync(ScalerHost host, ScaledObjectRef reference, int status)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var result = await host.Grpc.UnaryAsync(IsActive, reference, IsActiveResponse.Parser);
            if (result.Status == status || DateTime.UtcNow > deadline)
            {
                Assert.True(result.Status == status, $"status {result.Status}: {result.Message}");
                return result;
            }

            await Task.Delay(50);
        }
    }
}
