using MeshScaler.Emulation.Simulation;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>
/// The authenticated API over real HTTPS, read by a client that calls exactly as the HPA's metrics client does
/// (<see cref="HpaMetricsClient"/>): discovery picks v1beta2, then an Object, a Pods and an External metric, with the
/// HPA's bearer token.
/// </summary>
public sealed class HpaClientTests
{
    [Fact]
    public async Task TheHpasCalls_Object_Pods_External_OverHttps()
    {
        await using var api = await ApiHost.StartAsync(https: true);
        api.AuthorizeHpa();
        api.StartRunnerPods();
        var hpa = new HpaMetricsClient(api.Reader, TimeProvider.System, TimeSpan.FromSeconds(15));
        await api.WhenReadyAsync("/apis/custom.metrics.k8s.io/v1beta2/namespaces/fm/functions.compute.functionmesh.io/enricher/pulsar_subscription_back_log");

        var version = await hpa.VersionAsync(CancellationToken.None);
        var backlog = await hpa.GetObjectAsync("fm", "functions.compute.functionmesh.io", "enricher", "pulsar_subscription_back_log", null, CancellationToken.None);
        var external = await hpa.GetExternalAsync("fm", "PULSAR_SUBSCRIPTION_BACK_LOG", MetricsApiTests.SubscriptionSelector, CancellationToken.None);
        var selector = Core.FunctionMeshLabels.Selector(Core.ComponentKind.Function, "fm", "enricher");
        IReadOnlyDictionary<string, double>? pods = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (pods is not { Count: 2 })
        {
            try
            {
                pods = await hpa.GetPodsAsync("fm", "pulsar_function_processed_successfully", selector, null, CancellationToken.None);
            }
            catch (HpaMetricsException) when (DateTime.UtcNow < deadline)
            {
                // A pod's rate needs two scrapes.
            }

            await Task.Delay(100);
        }

        Assert.Equal("v1beta2", version);
        Assert.Equal(1500, backlog);
        Assert.Equal(1500, external);
        Assert.All(pods.Values, v => Assert.True(v > 0));
    }
}
