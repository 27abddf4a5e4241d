using System.Net;
using System.Security.Cryptography.X509Certificates;
using MeshScaler.FunctionalTests.Infrastructure;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>
/// Coexistence: with MeshScaler registered for <c>v1beta2.custom.metrics.k8s.io</c>, the HPAs that read another adapter
/// before still get their answers, because what MeshScaler does not serve is forwarded there over TLS as the caller.
/// </summary>
public sealed class MetricsApiForwardingTests : IAsyncLifetime
{
    private const string TheirPodsMetric = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/demo/pods/%2A/http_requests_per_second?labelSelector=app%3Dexpress";
    private const string OurObjectMetric = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/fm/functions.compute.functionmesh.io/enricher/pulsar_subscription_back_log";

    private readonly X509Certificate2 _upstreamClientCa = TestCertificates.CreateCa("upstream-client-ca");
    private readonly string _files = Directory.CreateTempSubdirectory("meshscaler-upstream-").FullName;
    private FakeMetricsAdapter _adapter = null!;
    private ApiHost _api = null!;

    public async Task InitializeAsync()
    {
        _adapter = await FakeMetricsAdapter.StartAsync();

        // MeshScaler's client certificate for the adapter: signed by a CA of its own that only the adapter trusts.
        using var proxy = TestCertificates.CreateClient(_upstreamClientCa, "CN=meshscaler-upstream");
        File.WriteAllText(Path.Combine(_files, "proxy.crt"), proxy.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_files, "proxy.key"), proxy.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        _api = await StartForwardingAsync(_adapter);
    }

    /// <summary>MeshScaler forwarding to <paramref name="adapter"/> with the client certificate it trusts.</summary>
    private async Task<ApiHost> StartForwardingAsync(FakeMetricsAdapter adapter)
    {
        var api = await ApiHost.StartAsync(https: true, settings =>
        {
            settings["MeshScaler:MetricsApi:Upstream:Url"] = adapter.BaseAddress.ToString();
            settings["MeshScaler:MetricsApi:Upstream:CaFile"] = adapter.Certificates.ServerCertificateFile;
            settings["MeshScaler:MetricsApi:Upstream:CertificateFile"] = Path.Combine(_files, "proxy.crt");
            settings["MeshScaler:MetricsApi:Upstream:KeyFile"] = Path.Combine(_files, "proxy.key");
        });
        api.AuthorizeHpa();
        return api;
    }

    /// <summary>The v1beta2 discovery's names, once the background read of the adapter's has brought <paramref name="theirs"/>.</summary>
    private static async Task<List<string?>> DiscoveredAsync(ApiHost api, string theirs)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var (_, body) = await ApiHost.GetAsync(api.Reader, "/apis/custom.metrics.k8s.io/v1beta2");
            var names = body["resources"]!.AsArray().Select(r => (string?)r!["name"]).ToList();
            if (names.Contains(theirs))
            {
                return names;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{theirs} is not listed: {body}");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _adapter.DisposeAsync();
        _upstreamClientCa.Dispose();
        Directory.Delete(_files, recursive: true);
    }

    [Fact]
    public async Task TheirMetric_IsForwarded_AsTheCaller_PathAndQueryUnchanged()
    {
        var (status, body) = await ApiHost.GetAsync(_api.Reader, TheirPodsMetric);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("42", (string?)body["items"]![0]!["value"]);
        var seen = Assert.Single(_adapter.Requests);
        Assert.Equal(TheirPodsMetric, seen.PathAndQuery);
        Assert.Equal("CN=meshscaler-upstream", seen.ClientCertificate);
        Assert.Equal(ApiHost.Hpa, seen.User);
        Assert.Equal($"uid-{ApiHost.Hpa}", seen.Uid);
        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"], seen.Groups);
    }

    [Theory]
    [InlineData("an Object metric on a Deployment", "/apis/custom.metrics.k8s.io/v1beta2/namespaces/demo/deployments.apps/express/queue_depth")]
    [InlineData("the namespace pseudo-resource", "/apis/custom.metrics.k8s.io/v1beta2/namespaces/demo/metrics/queue_depth")]
    [InlineData("a cluster-scoped object", "/apis/custom.metrics.k8s.io/v1beta2/nodes/node-1/queue_depth")]
    [InlineData("another metric on a Function", "/apis/custom.metrics.k8s.io/v1beta2/namespaces/fm/functions.compute.functionmesh.io/enricher/queue_depth")]
    public async Task EveryFormMeshScalerDoesNotServe_IsForwarded(string name, string path)
    {
        var (status, body) = await ApiHost.GetAsync(_api.Reader, path);

        Assert.True(status == HttpStatusCode.OK, $"{name}: {(int)status} {body}");
        Assert.Equal(path, Assert.Single(_adapter.Requests).PathAndQuery);
    }

    [Fact]
    public async Task OurMetric_IsNotForwarded()
    {
        var body = await _api.WhenReadyAsync(OurObjectMetric);

        Assert.Equal("1500", (string?)body["items"]![0]!["value"]);
        Assert.DoesNotContain(_adapter.Requests, r => r.PathAndQuery.Contains("functions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discovery_ListsOursAndTheirs_AskedAsAnOrdinaryUser()
    {
        var names = await DiscoveredAsync(_api, "pods/http_requests_per_second");

        Assert.Contains("functions.compute.functionmesh.io/pulsar_subscription_back_log", names);
        var asked = _adapter.Discoveries.First(d => d.PathAndQuery == "/apis/custom.metrics.k8s.io/v1beta2");
        Assert.Equal("meshscaler:upstream-discovery", asked.User);
        Assert.Equal(["system:authenticated"], asked.Groups);
        Assert.Empty(_adapter.Requests);
    }

    [Fact]
    public async Task Discovery_NeverWaitsOnTheAdapter_EvenWhenItHangs()
    {
        var hold = new TaskCompletionSource();
        await using var adapter = await FakeMetricsAdapter.StartAsync();
        adapter.HoldDiscovery = hold;
        try
        {
            await using var api = await StartForwardingAsync(adapter);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            // The background read asks each of the three version documents at once; the adapter holds them all.
            while (adapter.Discoveries.Count < 3)
            {
                Assert.True(DateTime.UtcNow < deadline, "MeshScaler never asked the adapter's discovery");
                await Task.Delay(20);
            }

            // Each is answered while the adapter still holds the discovery requests MeshScaler made.
            var (status, body) = await ApiHost.GetAsync(api.Reader, "/apis/custom.metrics.k8s.io/v1beta2");
            var (external, _) = await ApiHost.GetAsync(api.Reader, "/apis/external.metrics.k8s.io/v1beta1");

            Assert.False(hold.Task.IsCompleted);
            Assert.Equal(3, adapter.Discoveries.Count);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(HttpStatusCode.OK, external);
            var names = body["resources"]!.AsArray().Select(r => (string?)r!["name"]).ToList();
            Assert.Contains("functions.compute.functionmesh.io/pulsar_subscription_back_log", names);
            Assert.DoesNotContain("pods/http_requests_per_second", names);
        }
        finally
        {
            hold.TrySetResult();
        }
    }

    [Fact]
    public async Task AMalformedDiscoveryDocument_ItsWellFormedResourcesAreListed_OursAlwaysAnswer()
    {
        await using var adapter = await FakeMetricsAdapter.StartAsync();
        adapter.BrokenDiscovery = true;
        await using var api = await StartForwardingAsync(adapter);

        var names = await DiscoveredAsync(api, "pods/well_formed");

        Assert.Contains("functions.compute.functionmesh.io/pulsar_subscription_back_log", names);
        Assert.DoesNotContain("pods/x", names);
        Assert.DoesNotContain("pods/y", names);
        Assert.Equal(HttpStatusCode.OK, (await ApiHost.GetAsync(api.Reader, "/apis/external.metrics.k8s.io/v1beta1")).Status);
    }

    [Fact]
    public async Task AShortBody_FromTheAdapter_Is503_NeverPassedOnAs200()
    {
        var (status, body) = await ApiHost.GetAsync(_api.Reader, "/apis/custom.metrics.k8s.io/v1beta2/namespaces/demo/pods/%2A/short_body?labelSelector=app%3Dexpress");

        // The adapter's connection is cut after its short body: MeshScaler reads either the short body or a reset,
        // and answers 503 naming the adapter in both cases (UpstreamAnswerTests has each fault's own words).
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("did not answer", (string?)body["message"]);
        Assert.Equal(HttpStatusCode.OK, (await ApiHost.GetAsync(_api.Reader, TheirPodsMetric)).Status);
    }

    [Fact]
    public async Task TheirStatus_PassesThroughUnchanged()
    {
        var (status, body) = await ApiHost.GetAsync(_api.Reader, "/apis/custom.metrics.k8s.io/v1beta2/namespaces/demo/pods/%2A/unknown_to_both?labelSelector=app%3Dexpress");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.StartsWith("the upstream adapter has no", (string?)body["message"]);
    }

    [Fact]
    public async Task AForbiddenCaller_IsRefusedHere_NothingIsForwarded()
    {
        _api.Host.Kubernetes.Reviews.AddToken("nobody", "system:serviceaccount:team:nobody");

        var (status, _) = await ApiHost.GetAsync(_api.Client(token: "nobody"), TheirPodsMetric);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Empty(_adapter.Requests);
    }

    [Fact]
    public async Task ForgedIdentityHeaders_AreNeverForwarded()
    {
        var (status, _) = await ApiHost.GetAsync(_api.Reader, TheirPodsMetric, request =>
        {
            request.Headers.Add("X-Remote-User", "system:admin");
            request.Headers.Add("X-Remote-Extra-Scopes", "everything");
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var seen = Assert.Single(_adapter.Requests);
        Assert.Equal(ApiHost.Hpa, seen.User);
        Assert.Empty(seen.Extra);
    }

    [Fact]
    public async Task TheAdapterDown_Is503NamingIt_AndOurMetricsStillServe()
    {
        await _api.WhenReadyAsync(OurObjectMetric);
        await _adapter.DisposeAsync();

        var (status, body) = await ApiHost.GetAsync(_api.Reader, TheirPodsMetric);
        var (ours, _) = await ApiHost.GetAsync(_api.Reader, OurObjectMetric);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains($"the adapter it forwards the others to ({_adapter.BaseAddress}) did not answer", (string?)body["message"]);
        Assert.Equal(HttpStatusCode.OK, ours);
        _adapter = await FakeMetricsAdapter.StartAsync();
    }

    [Fact]
    public async Task AnAdapterWhoseCertificateTheCaDidNotSign_IsNeverAsked()
    {
        using var other = new TestCertificates();
        await using var api = await ApiHost.StartAsync(https: true, settings =>
        {
            settings["MeshScaler:MetricsApi:Upstream:Url"] = _adapter.BaseAddress.ToString();
            settings["MeshScaler:MetricsApi:Upstream:CaFile"] = other.ServerCertificateFile;
            settings["MeshScaler:MetricsApi:Upstream:CertificateFile"] = Path.Combine(_files, "proxy.crt");
            settings["MeshScaler:MetricsApi:Upstream:KeyFile"] = Path.Combine(_files, "proxy.key");
        });
        api.AuthorizeHpa();

        var (status, body) = await ApiHost.GetAsync(api.Reader, TheirPodsMetric);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("did not answer", (string?)body["message"]);
        Assert.Empty(_adapter.Requests);
    }
}
