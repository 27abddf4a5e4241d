using MeshScaler.Emulation.Kubernetes;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Keda;

namespace MeshScaler.FunctionalTests.Metrics;

/// <summary><c>/metrics</c> on prometheus-net: the README's series, types and labels, strict format, one host's own calls.</summary>
public sealed class MetricsEndpointTests
{
    private const string IsActive = "/externalscaler.ExternalScaler/IsActive";
    private const string GetMetrics = "/externalscaler.ExternalScaler/GetMetrics";
    private const string StreamIsActive = "/externalscaler.ExternalScaler/StreamIsActive";
    private const string Topic = "persistent://public/default/orders";
    private const string Subscription = "public/default/enricher";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Every family the README's Metrics table documents, with the type it promises.</summary>
    public static TheoryData<string, string> DocumentedFamilies => new()
    {
        { "meshscaler_rpc_requests_total", "counter" },
        { "meshscaler_rpc_duration_seconds", "histogram" },
        { "meshscaler_rpc_open_streams", "gauge" },
        { "meshscaler_upstream_requests_total", "counter" },
        { "meshscaler_subjects", "gauge" },
        { "meshscaler_signal_backlog", "gauge" },
        { "meshscaler_signal_inflow_rate", "gauge" },
        { "meshscaler_signal_desired_replicas", "gauge" },
        { "meshscaler_signal_active", "gauge" },
        { "meshscaler_subscription_missing", "gauge" },
        { "meshscaler_runner_pods", "gauge" },
        { "meshscaler_runner_pods_failed", "gauge" },
        { "meshscaler_runner_processed_rate", "gauge" },
        { "meshscaler_runner_received_rate", "gauge" },
        { "meshscaler_runner_user_exceptions_rate", "gauge" },
        { "meshscaler_runner_system_exceptions_rate", "gauge" },
        { "meshscaler_runner_process_latency_ms", "gauge" },
        { "meshscaler_runner_per_replica_rate", "gauge" },
        { "meshscaler_runner_counter_resets_total", "counter" },
        { "meshscaler_kubernetes_objects", "gauge" },
        { "meshscaler_kubernetes_synced", "gauge" },
    };

    [Theory]
    [MemberData(nameof(DocumentedFamilies))]
    public async Task Scrape_AfterTraffic_ServesEveryDocumentedFamilyWithItsType(string family, string type)
    {
        await using var host = await StartWithTrafficAsync();

        var scrape = await host.Http.GetStringAsync("/metrics");

        Assert.Contains($"# TYPE {family} {type}\n", scrape, StringComparison.Ordinal);
        Assert.Contains($"\n{family}", scrape, StringComparison.Ordinal);
        Assert.Contains($"| `{family}` |", MetricsSection, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_AfterTraffic_PassesTheStrictExpositionCheck()
    {
        await using var host = await StartWithTrafficAsync();

        using var response = await host.Http.GetAsync("/metrics");
        var scrape = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Empty(ExpositionChecker.Check(scrape));
        Assert.Contains(
            $"meshscaler_signal_backlog{{cluster=\"emulator\",metric=\"pulsar-public-default-orders-public-default-enricher\",mode=\"backlog\",subscription=\"{Subscription}\",target=",
            scrape,
            StringComparison.Ordinal);
        Assert.Contains("meshscaler_subscription_missing{cluster=\"emulator\",subscription=\"public/default/nobody\",topic=\"persistent://public/default/orders\"} 1\n", scrape, StringComparison.Ordinal);
        Assert.Contains("meshscaler_rpc_open_streams 1\n", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_AskingForOpenMetricsFirst_GetsTheCheckedTextFormat()
    {
        await using var host = await StartWithTrafficAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.ParseAdd("application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");

        using var response = await host.Http.SendAsync(request);
        var scrape = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Empty(ExpositionChecker.Check(scrape));
        Assert.Contains("# TYPE meshscaler_rpc_requests_total counter\n", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_WatchedCaches_CountTheirObjectsAndSayWhenListed()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Kubernetes.Apply("functions", FunctionMeshObjects.Function("fm", "enricher", [Topic]));
        host.Kubernetes.Apply("functions", FunctionMeshObjects.Function("fm", "router", [Topic]));
        host.Kubernetes.Apply("pods", FunctionMeshObjects.RunnerPod("fm", "enricher", 0, "127.0.0.1", host.Runners.Ports[0]));

        var scrape = await ScrapeUntilAsync(host, s =>
            s.Contains("meshscaler_kubernetes_objects{resource=\"functions.compute.functionmesh.io\"} 2\n", StringComparison.Ordinal)
            && s.Contains("meshscaler_kubernetes_objects{resource=\"pods\"} 1\n", StringComparison.Ordinal)
            && !s.Contains("meshscaler_kubernetes_synced{resource=\"configmaps\"} 0\n", StringComparison.Ordinal));

        Assert.Contains("meshscaler_kubernetes_synced{resource=\"functions.compute.functionmesh.io\"} 1\n", scrape, StringComparison.Ordinal);
        Assert.Contains("meshscaler_kubernetes_synced{resource=\"configmaps\"} 1\n", scrape, StringComparison.Ordinal);
        Assert.Empty(ExpositionChecker.Check(scrape));
    }

    private static async Task<string> ScrapeUntilAsync(ScalerHost host, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var scrape = await host.Http.GetStringAsync("/metrics");
            if (done(scrape))
            {
                return scrape;
            }

            Assert.True(DateTime.UtcNow < deadline, "the cache series did not show the objects: " + scrape);
            await Task.Delay(50);
        }
    }

    [Fact]
    public void Readme_EveryDocumentedFamily_IsServed()
    {
        var rows = MetricsSection.Split('\n').Where(l => l.StartsWith("| `meshscaler_", StringComparison.Ordinal)).Select(l => l.Split('`')[1]).ToList();

        Assert.Equal(DocumentedFamilies.Select(f => (string)f[0]).Order(), rows.Order());
    }

    [Fact]
    public async Task Scrape_TwoHostsInOneProcess_EachCountsOnlyItsOwnCalls()
    {
        await using var first = await ScalerHost.StartAsync();
        await using var second = await ScalerHost.StartAsync();
        first.Emulator.State.CreateTopic(Topic);
        first.Emulator.State.SetSubscription(Topic, Subscription, backlog: 3);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, (await first.Grpc.UnaryAsync(IsActive, Ref(first), IsActiveResponse.Parser)).Status);
        }

        var firstScrape = await first.Http.GetStringAsync("/metrics");
        var secondScrape = await second.Http.GetStringAsync("/metrics");

        Assert.Contains("meshscaler_rpc_requests_total{method=\"IsActive\",status=\"OK\"} 3\n", firstScrape, StringComparison.Ordinal);
        Assert.DoesNotContain("meshscaler_rpc_requests_total{", secondScrape, StringComparison.Ordinal);
        Assert.DoesNotContain("meshscaler_upstream_requests_total{", secondScrape, StringComparison.Ordinal);
        Assert.DoesNotContain("meshscaler_signal_backlog{", secondScrape, StringComparison.Ordinal);
    }

    private static readonly string Readme = File.ReadAllText(Repository.Path("README.md"));

    /// <summary>The README's "Metrics" section (/metrics), not the metrics API's table of served metrics.</summary>
    private static readonly string MetricsSection = Readme[Readme.IndexOf("\n## Metrics\n", StringComparison.Ordinal)..] is var rest
        ? rest[..(rest.IndexOf("\n## ", 1, StringComparison.Ordinal) is var end and > 0 ? end : rest.Length)]
        : string.Empty;

    private static ScaledObjectRef Ref(ScalerHost host, string subscription = Subscription) => new()
    {
        Name = "enricher",
        Namespace = "fm",
        ScalerMetadata =
        {
            ["adminURL"] = host.AdminUrl,
            ["topic"] = Topic,
            ["subscription"] = subscription,
        },
    };

    /// <summary>A host that has answered each kind of call once, holds one open stream and tracks a missing subscription.</summary>
    private static async Task<ScalerHost> StartWithTrafficAsync()
    {
        var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetSubscription(Topic, Subscription, backlog: 5);
        host.Emulator.State.SetRates(Topic, 2);
        Assert.Equal(0, (await host.Grpc.UnaryAsync(IsActive, Ref(host), IsActiveResponse.Parser)).Status);
        var metrics = new GetMetricsRequest { ScaledObjectRef = Ref(host), MetricName = "pulsar-public-default-orders-public-default-enricher" };
        Assert.Equal(0, (await host.Grpc.UnaryAsync(GetMetrics, metrics, GetMetricsResponse.Parser)).Status);
        Assert.Equal(0, (await host.Grpc.UnaryAsync(IsActive, Ref(host, "public/default/nobody"), IsActiveResponse.Parser)).Status);

        // The stream lives as long as the host: the client and its streams go with the host's disposal.
        var stream = host.Grpc.Stream(StreamIsActive, Ref(host), IsActiveResponse.Parser);
        Assert.NotNull(await stream.ReadAsync(Timeout));

        // A capacity trigger naming a Function whose two runner pods process messages: its runner series.
        host.Kubernetes.Apply("configmaps", FunctionMeshObjects.ConfigMap("fm", "pulsar-config", host.AdminUrl));
        host.Kubernetes.Apply("functions", FunctionMeshObjects.Function("fm", "enricher", [Topic]));
        for (var i = 0; i < 2; i++)
        {
            host.Kubernetes.Apply("pods", FunctionMeshObjects.RunnerPod("fm", "enricher", i, "127.0.0.1", host.Runners.Ports[i]));
        }

        var function = new ScaledObjectRef { Name = "enricher-capacity", Namespace = "fm", ScalerMetadata = { ["function"] = "enricher", ["scalingMode"] = "capacity" } };
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            host.Runners.Process(0, 50);
            host.Runners.Process(1, 50);
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("the runner series did not appear: " + await host.Http.GetStringAsync("/metrics"));
            }

            // Every runner family at once: a round with a pod that appeared since the last one has no totals yet.
            var scrape = await host.Http.GetStringAsync("/metrics");
            if ((await host.Grpc.UnaryAsync(IsActive, function, IsActiveResponse.Parser)).Status == 0
                && DocumentedFamilies.Select(f => (string)f[0]).Where(f => f.StartsWith("meshscaler_runner_", StringComparison.Ordinal)).All(f => scrape.Contains($"\n{f}{{", StringComparison.Ordinal)))
            {
                // Rounds keep coming every 200 ms: the pods keep processing until the host stops, so every later round
                // has a mean latency too (an interval with no message processed has none).
                var stopping = host.App.Lifetime.ApplicationStopping;
                _ = Task.Run(async () =>
                {
                    while (!stopping.IsCancellationRequested)
                    {
                        host.Runners.Process(0, 50);
                        host.Runners.Process(1, 50);
                        await Task.Delay(50, CancellationToken.None);
                    }
                });
                return host;
            }

            await Task.Delay(100);
        }
    }
}
