using System.Text.Json.Nodes;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.FunctionalTests.MetricsApi;
using MeshScaler.Testing;

namespace MeshScaler.FunctionalTests.Interop;

/// <summary>
/// kubectl, an independent real client of the Kubernetes APIs (installed by test.sh, Debian <c>kubernetes-client</c>),
/// reads the metrics APIs with <c>--server https://127.0.0.1:PORT</c>, verifying the serving certificate and presenting
/// the HPA's bearer token (reviewed by the fake cluster): discovery, an Object metric, a Pods metric with a selector, an
/// External metric, and Statuses it must decode.
/// </summary>
public sealed class KubectlInteropTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    private const string Object = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/fm/functions.compute.functionmesh.io/enricher/pulsar_subscription_back_log";

    [Fact]
    public async Task Discovery_BothVersions()
    {
        await using var api = await StartAsync();

        var v1beta2 = JsonNode.Parse(await KubectlAsync(api, "get", "--raw", "/apis/custom.metrics.k8s.io/v1beta2"))!;
        var group = JsonNode.Parse(await KubectlAsync(api, "get", "--raw", "/apis/custom.metrics.k8s.io"))!;

        Assert.Contains(v1beta2["resources"]!.AsArray(), r => (string?)r!["name"] == "functions.compute.functionmesh.io/pulsar_subscription_back_log");
        Assert.Equal("v1beta2", (string?)group["preferredVersion"]!["version"]);
    }

    [Fact]
    public async Task ObjectMetric_OnAFunction()
    {
        await using var api = await StartAsync();
        await api.WhenReadyAsync(Object);

        var list = JsonNode.Parse(await KubectlAsync(api, "get", "--raw", Object))!;

        Assert.Equal("1500", (string?)list["items"]![0]!["value"]);
        Assert.Equal("enricher", (string?)list["items"]![0]!["describedObject"]!["name"]);
    }

    [Fact]
    public async Task PodsMetric_WithTheFunctionsSelector()
    {
        await using var api = await StartAsync();
        api.StartRunnerPods();
        var selector = Core.FunctionMeshLabels.Selector(Core.ComponentKind.Function, "fm", "enricher");
        var path = $"/apis/custom.metrics.k8s.io/v1beta2/namespaces/fm/pods/*/pulsar_function_processed_successfully?labelSelector={Uri.EscapeDataString(selector)}";
        await api.PodItemsAsync(path.Replace("/*/", "/%2A/", StringComparison.Ordinal), 2);

        var list = JsonNode.Parse(await KubectlAsync(api, "get", "--raw", path))!;

        Assert.Equal(2, list["items"]!.AsArray().Count);
        Assert.All(list["items"]!.AsArray(), i => Assert.Equal("Pod", (string?)i!["describedObject"]!["kind"]));
    }

    [Fact]
    public async Task ExternalMetric_SelectedByLabels()
    {
        await using var api = await StartAsync();
        var path = $"/apis/external.metrics.k8s.io/v1beta1/namespaces/fm/pulsar_subscription_back_log?labelSelector={Uri.EscapeDataString(MetricsApiTests.SubscriptionSelector)}";
        await api.WhenReadyAsync(path);

        var list = JsonNode.Parse(await KubectlAsync(api, "get", "--raw", path))!;

        Assert.Equal("ExternalMetricValueList", (string?)list["kind"]);
        Assert.Equal("1500", (string?)list["items"]![0]!["value"]);
    }

    [Fact]
    public async Task UnknownMetric_KubectlReadsTheStatus()
    {
        await using var api = await StartAsync();

        var (exitCode, _, error) = await RunAsync(api, ApiHost.HpaToken, "get", "--raw", Object.Replace("pulsar_subscription_back_log", "nonsense", StringComparison.Ordinal));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Error from server (NotFound)", error, StringComparison.Ordinal);
        Assert.Contains("could not find the metric nonsense", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownToken_KubectlReadsThe401()
    {
        await using var api = await StartAsync();

        // (Without any credentials kubectl would prompt for a username on the 401.)
        var (exitCode, _, error) = await RunAsync(api, "forged", "get", "--raw", Object);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("You must be logged in to the server (Unauthorized", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutRbac_KubectlReadsThe403()
    {
        await using var api = await StartAsync();
        api.Host.Kubernetes.Reviews.AddToken("nobody", "system:serviceaccount:team:nobody");

        var (exitCode, _, error) = await RunAsync(api, "nobody", "get", "--raw", Object);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Error from server (Forbidden)", error, StringComparison.Ordinal);
        Assert.Contains("User \"system:serviceaccount:team:nobody\" cannot get resource", error, StringComparison.Ordinal);
    }

    /// <summary>The authenticated API on HTTPS with the test's certificate (kubectl verifies it), the HPA authorized.</summary>
    private async Task<ApiHost> StartAsync()
    {
        var api = await ApiHost.StartAsync(https: true, settings =>
        {
            settings["MeshScaler:MetricsApi:CertificateFile"] = _certificates.ServerCertificateFile;
            settings["MeshScaler:MetricsApi:KeyFile"] = _certificates.ServerKeyFile;
        });
        api.AuthorizeHpa();
        return api;
    }

    private async Task<string> KubectlAsync(ApiHost api, params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(api, ApiHost.HpaToken, arguments);
        Assert.True(exitCode == 0, $"kubectl {string.Join(' ', arguments)} exited {exitCode}: {error}");
        return output;
    }

    /// <summary>kubectl against the API's loopback port, with no kubeconfig and a throwaway cache.</summary>
    private async Task<(int ExitCode, string Output, string Error)> RunAsync(ApiHost api, string? token, params string[] arguments)
    {
        var home = Directory.CreateTempSubdirectory("meshscaler-kubectl-");
        try
        {
            return await ExternalProcess.RunAsync(
                "kubectl",
                [
                    $"--server=https://127.0.0.1:{api.Port}", $"--certificate-authority={_certificates.ServerCertificateFile}",
                    .. token is null ? Array.Empty<string>() : [$"--token={token}"],
                    $"--cache-dir={home.FullName}", "--request-timeout=10s", .. arguments,
                ],
                TimeSpan.FromSeconds(30),
                start =>
                {
                    start.Environment["KUBECONFIG"] = Path.Combine(home.FullName, "none");
                    start.Environment["HOME"] = home.FullName;
                });
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
