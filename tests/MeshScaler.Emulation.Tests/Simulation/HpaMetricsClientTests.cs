using System.Net;
using System.Text;
using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Emulation.Tests.Simulation;

/// <summary>The HPA's metrics client against answers an adapter could give: its version choice, item rules and errors.</summary>
public sealed class HpaMetricsClientTests
{
    private const string ObjectV1beta1 = """{"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta1","metadata":{},"items":[{"describedObject":{"kind":"Function","namespace":"fm","name":"f","apiVersion":"compute.functionmesh.io/v1alpha1"},"metricName":"m","timestamp":"2026-12-03T00:00:00Z","value":"1500m","selector":null}]}""";

    public static TheoryData<string, string, string> Discovery => new()
    {
        { "v1beta2 preferred", """{"kind":"APIGroup","versions":[{"version":"v1beta2"},{"version":"v1beta1"}],"preferredVersion":{"version":"v1beta2"}}""", "v1beta2" },
        { "only v1beta1", """{"kind":"APIGroup","versions":[{"version":"v1beta1"}],"preferredVersion":{"version":"v1beta1"}}""", "v1beta1" },
        { "an unknown preferred version: the first known one", """{"kind":"APIGroup","versions":[{"version":"v2"},{"version":"v1beta1"}],"preferredVersion":{"version":"v2"}}""", "v1beta1" },
    };

    [Theory]
    [MemberData(nameof(Discovery))]
    public async Task Version_FromTheGroupsDiscovery(string name, string group, string expected)
    {
        var (client, _) = Client(path => path == "/apis/custom.metrics.k8s.io" ? (200, group) : (404, "{}"));

        Assert.True(expected == await client.VersionAsync(CancellationToken.None), name);
    }

    [Fact]
    public async Task Version_IsRediscoveredOncePerSyncPeriod()
    {
        var (client, seen) = Client(_ => (200, """{"versions":[{"version":"v1beta1"}],"preferredVersion":{"version":"v1beta1"}}"""), out var time);

        await client.VersionAsync(CancellationToken.None);
        await client.VersionAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(16));
        await client.VersionAsync(CancellationToken.None);

        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task ObjectMetric_V1beta1Fallback_ReadsItsFieldsAndQuantity()
    {
        var (client, seen) = Client(path => path switch
        {
            "/apis/custom.metrics.k8s.io" => (200, """{"versions":[{"version":"v1beta1"}],"preferredVersion":{"version":"v1beta1"}}"""),
            _ => (200, ObjectV1beta1),
        });

        var value = await client.GetObjectAsync("fm", "functions.compute.functionmesh.io", "f", "m", null, CancellationToken.None);

        Assert.Equal(1.5, value);
        Assert.Equal("/apis/custom.metrics.k8s.io/v1beta1/namespaces/fm/functions.compute.functionmesh.io/f/m", seen[^1]);
    }

    [Fact]
    public async Task PodsMetric_TheWildcardIsSentEscaped_WithTheSelector()
    {
        var (client, seen) = Client(path => path.StartsWith("/apis/custom.metrics.k8s.io/", StringComparison.Ordinal)
            ? (200, """{"items":[{"describedObject":{"name":"p-0"},"value":"2"},{"describedObject":{"name":"p-1"},"value":"3"}]}""")
            : (200, """{"preferredVersion":{"version":"v1beta2"},"versions":[{"version":"v1beta2"}]}"""));

        var values = await client.GetPodsAsync("fm", "rate", "app=x,tier in (a,b)", null, CancellationToken.None);

        Assert.Equal(new Dictionary<string, double> { ["p-0"] = 2, ["p-1"] = 3 }, values);
        Assert.Equal("/apis/custom.metrics.k8s.io/v1beta2/namespaces/fm/pods/%2A/rate?labelSelector=app%3Dx%2Ctier%20in%20%28a%2Cb%29", seen[^1]);
    }

    [Fact]
    public async Task ExternalMetric_NameLowercased_ValuesSummed()
    {
        var (client, seen) = Client(_ => (200, """{"items":[{"value":"1k"},{"value":"500"}]}"""));

        var value = await client.GetExternalAsync("fm", "Pulsar_Backlog", "topic=orders", CancellationToken.None);

        Assert.Equal(1500, value);
        Assert.Equal("/apis/external.metrics.k8s.io/v1beta1/namespaces/fm/pulsar_backlog?labelSelector=topic%3Dorders", seen[^1]);
    }

    public static TheoryData<string, int, string, string> Failures => new()
    {
        { "no custom metrics API", 404, "{}", "no custom metrics API (custom.metrics.k8s.io) registered" },
        { "a Status", 503, """{"kind":"Status","code":503,"message":"stale"}""", "unable to fetch metrics from custom metrics API: HTTP 503: stale" },
        { "two items for an Object", 200, """{"items":[{"value":"1"},{"value":"2"}]}""", "the custom metrics API server returned 2 results when we asked for exactly one" },
        { "no item for an Object", 200, """{"items":[]}""", "the custom metrics API server returned 0 results when we asked for exactly one" },
        { "not a quantity", 200, """{"items":[{"value":"lots"}]}""", "is not a quantity" },
        { "not JSON", 200, "<html>", "with a body that is not JSON" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task ObjectMetric_Failures_AreTheHpasErrors(string name, int code, string body, string expected)
    {
        var (client, _) = Client(path => path == "/apis/custom.metrics.k8s.io" && code != 404
            ? (200, """{"preferredVersion":{"version":"v1beta2"},"versions":[{"version":"v1beta2"}]}""")
            : (code, body));

        var error = await Assert.ThrowsAsync<HpaMetricsException>(() => client.GetObjectAsync("fm", "functions.compute.functionmesh.io", "f", "m", null, CancellationToken.None));

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {error.Message}");
    }

    [Fact]
    public async Task PodsAndExternal_NoItems_AreTheHpasErrors()
    {
        var (client, _) = Client(path => path == "/apis/custom.metrics.k8s.io"
            ? (200, """{"preferredVersion":{"version":"v1beta2"},"versions":[{"version":"v1beta2"}]}""")
            : (200, """{"items":[]}"""));

        var pods = await Assert.ThrowsAsync<HpaMetricsException>(() => client.GetPodsAsync("fm", "m", "a=b", null, CancellationToken.None));
        var external = await Assert.ThrowsAsync<HpaMetricsException>(() => client.GetExternalAsync("fm", "m", "a=b", CancellationToken.None));

        Assert.Equal("no metrics returned from custom metrics API", pods.Message);
        Assert.Equal("no metrics returned from external metrics API", external.Message);
    }

    private static (HpaMetricsClient Client, List<string> Seen) Client(Func<string, (int Code, string Body)> answer) => Client(answer, out _);

    private static (HpaMetricsClient Client, List<string> Seen) Client(Func<string, (int Code, string Body)> answer, out VirtualClock time)
    {
        var seen = new List<string>();
        time = new VirtualClock();
        var http = new HttpClient(new Stub(request =>
        {
            var raw = request.RequestUri!.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped);
            seen.Add(raw);
            var (code, body) = answer(request.RequestUri.AbsolutePath);
            return new HttpResponseMessage((HttpStatusCode)code) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }))
        { BaseAddress = new Uri("https://metrics.example") };
        return (new HpaMetricsClient(http, time, TimeSpan.FromSeconds(15)), seen);
    }

    private sealed class Stub(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }
}
