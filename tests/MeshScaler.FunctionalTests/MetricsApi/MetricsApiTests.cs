using System.Net;
using System.Text.Json.Nodes;
using MeshScaler.Emulation.Kubernetes;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>The custom metrics API over real HTTP on its own loopback listener, called as the HPA's metrics client calls it.</summary>
public sealed class MetricsApiTests
{
    private const string Topic = "persistent://public/default/orders";
    private const string Base = "/apis/custom.metrics.k8s.io";
    private const string Function = "functions.compute.functionmesh.io";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Discovery_ListsTheGroupBothVersionsAndEveryServedMetric()
    {
        await using var api = await ApiHost.StartAsync();

        var groups = await api.GetJsonAsync("/apis");
        var group = await api.GetJsonAsync(Base);
        var v1beta2 = await api.GetJsonAsync($"{Base}/v1beta2");
        var v1beta1 = await api.GetJsonAsync($"{Base}/v1beta1");

        Assert.Equal("APIGroupList", (string?)groups["kind"]);
        Assert.Equal("custom.metrics.k8s.io", (string?)groups["groups"]![0]!["name"]);
        Assert.Equal("APIGroup", (string?)group["kind"]);
        Assert.Equal("custom.metrics.k8s.io/v1beta2", (string?)group["preferredVersion"]!["groupVersion"]);
        Assert.Equal(["v1beta2", "v1beta1"], group["versions"]!.AsArray().Select(v => (string)v!["version"]!));
        Assert.Equal("APIResourceList", (string?)v1beta2["kind"]);
        Assert.Equal("v1", (string?)v1beta2["apiVersion"]);
        Assert.Equal("custom.metrics.k8s.io/v1beta1", (string?)v1beta1["groupVersion"]);
        var resources = v1beta2["resources"]!.AsArray();
        var backlog = resources.Single(r => (string?)r!["name"] == $"{Function}/pulsar_subscription_back_log")!;
        Assert.True((bool)backlog["namespaced"]!);
        Assert.Equal("MetricValueList", (string?)backlog["kind"]);
        Assert.Equal(["get"], backlog["verbs"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(string.Empty, (string?)backlog["singularName"]);
        Assert.Contains(resources, r => (string?)r!["name"] == "sinks.compute.functionmesh.io/pulsar_sink_written");
        Assert.Contains(resources, r => (string?)r!["name"] == "sources.compute.functionmesh.io/pulsar_source_written");
        Assert.DoesNotContain(resources, r => (string?)r!["name"] == "sources.compute.functionmesh.io/pulsar_subscription_back_log");
        Assert.All(resources, r => Assert.True((bool)r!["namespaced"]!));
    }

    [Fact]
    public void Catalog_EachResourceServesEachNameOnce_AndEachNameMeansOneThing()
    {
        var pairs = ObjectMetricCatalog().ToList();

        Assert.Equal(pairs.Count, pairs.Select(p => (p.Resource, p.Metric.Name)).Distinct().Count());
        foreach (var byName in pairs.GroupBy(p => p.Metric.Name))
        {
            Assert.Single(byName.Select(p => p.Metric.Source).Distinct());
        }

        Assert.All(pairs, p => Assert.Matches("^[a-z_]+$", p.Metric.Name));
    }

    private static IEnumerable<(string Resource, MeshScaler.MetricsApi.ObjectMetric Metric)> ObjectMetricCatalog() =>
        MeshScaler.MetricsApi.ObjectMetric.Resources.SelectMany(r => MeshScaler.MetricsApi.ObjectMetric.For(r.Value).Select(m => (r.Key, m)));

    [Fact]
    public async Task ObjectMetric_V1beta2_TheFunctionsBacklogFromItsResource()
    {
        await using var api = await ApiHost.StartAsync();

        var list = await api.WhenReadyAsync($"{Base}/v1beta2/namespaces/fm/{Function}/enricher/pulsar_subscription_back_log");

        Assert.Equal("MetricValueList", (string?)list["kind"]);
        Assert.Equal("custom.metrics.k8s.io/v1beta2", (string?)list["apiVersion"]);
        var item = list["items"]!.AsArray().Single()!;
        Assert.Equal("Function", (string?)item["describedObject"]!["kind"]);
        Assert.Equal("fm", (string?)item["describedObject"]!["namespace"]);
        Assert.Equal("enricher", (string?)item["describedObject"]!["name"]);
        Assert.Equal("compute.functionmesh.io/v1alpha1", (string?)item["describedObject"]!["apiVersion"]);
        Assert.Equal("pulsar_subscription_back_log", (string?)item["metric"]!["name"]);
        Assert.True(item["metric"]!.AsObject().ContainsKey("selector"));
        Assert.Null(item["metric"]!["selector"]);
        Assert.Equal("1500", (string?)item["value"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)item["timestamp"]);
        Assert.False(item.AsObject().ContainsKey("windowSeconds"));
    }

    [Fact]
    public async Task ObjectMetric_OnAFunctionMesh_ItsMembersSummed_AndAnUnknownMeshIs404()
    {
        await using var api = await ApiHost.StartAsync();
        var state = api.Host.Emulator.State;
        state.CreateTopic("persistent://public/default/stage2");
        state.SetSubscription(ApiHost.Topic, "public/default/pipe-a", backlog: 100, msgRateOut: 5, consumers: 1);
        state.SetSubscription("persistent://public/default/stage2", "public/default/pipe-b", backlog: 23, msgRateOut: 5, consumers: 1);
        api.Host.Kubernetes.Apply("functions", FunctionMeshObjects.Function("fm", "pipe-a", [ApiHost.Topic]));
        api.Host.Kubernetes.Apply("functions", FunctionMeshObjects.Function("fm", "pipe-b", ["persistent://public/default/stage2"]));
        api.Host.Kubernetes.Apply("functionmeshes", FunctionMeshObjects.Mesh("fm", "pipe", "a", "b"));

        var item = (await api.WhenReadyAsync($"{Base}/v1beta2/namespaces/fm/functionmeshes.compute.functionmesh.io/pipe/pulsar_subscription_back_log"))["items"]!.AsArray().Single()!;
        var (missing, body) = await api.GetAsync($"{Base}/v1beta2/namespaces/fm/functionmeshes.compute.functionmesh.io/nope/pulsar_subscription_back_log");
        var discovery = await api.GetJsonAsync($"{Base}/v1beta2");

        Assert.Equal("123", (string?)item["value"]);
        Assert.Equal("FunctionMesh", (string?)item["describedObject"]!["kind"]);
        Assert.Equal("pipe", (string?)item["describedObject"]!["name"]);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Contains("FunctionMesh fm/nope not found", (string?)body["message"]);
        Assert.Contains(discovery["resources"]!.AsArray(), r => (string?)r!["name"] == "functionmeshes.compute.functionmesh.io/pulsar_subscription_back_log");
    }

    [Fact]
    public async Task ObjectMetric_BacklogAge_FromTheOldestMessagesPublishTime_ZeroWithoutABacklog_503WhenPulsarDoesNotSay()
    {
        await using var api = await ApiHost.StartAsync();
        var state = api.Host.Emulator.State;
        var path = $"{Base}/v1beta2/namespaces/fm/{Function}/enricher/pulsar_subscription_backlog_age_seconds";
        state.SetSubscription(ApiHost.Topic, "public/default/enricher", backlog: 1500, msgRateOut: 20, consumers: 2, earliestPublish: DateTimeOffset.UtcNow.AddSeconds(-90));

        var aged = await WhenValueAsync(api, path, v => v >= 85);
        state.SetSubscription(ApiHost.Topic, "public/default/enricher", backlog: 0, msgRateOut: 20, consumers: 2);
        var drained = await WhenValueAsync(api, path, v => v == 0);
        state.SetSubscription(ApiHost.Topic, "public/default/enricher", backlog: 10, msgRateOut: 20, consumers: 2);
        JsonNode body;
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            (var status, body) = await api.GetAsync(path);
            if (status == HttpStatusCode.ServiceUnavailable)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"still {(int)status} {body}");
            await Task.Delay(50);
        }

        Assert.InRange(aged, 85, 120);
        Assert.Equal(0, drained);
        Assert.Contains("Pulsar did not report earliestMsgPublishTimeInBacklog", (string?)body["message"]);
    }

    private static async Task<double> WhenValueAsync(ApiHost api, string path, Func<double, bool> done)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var (status, body) = await api.GetAsync(path);
            if (status == HttpStatusCode.OK && KubernetesQuantityValue((string)body["items"]![0]!["value"]!) is var value && done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path}: {(int)status} {body}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task ObjectMetric_RepeatedReads_GetTheSameAnswer_UntilTheValueChanges_EachVersionItsOwn()
    {
        await using var api = await ApiHost.StartAsync();
        var v1beta2 = $"{Base}/v1beta2/namespaces/fm/{Function}/enricher/pulsar_subscription_back_log";
        var v1beta1 = $"{Base}/v1beta1/namespaces/fm/{Function}/enricher/pulsar_subscription_back_log";
        await api.WhenReadyAsync(v1beta2);

        // Two reads between the same two polls (a poll between them gives the second a new timestamp, rightly).
        string first, second;
        var attempts = 0;
        do
        {
            first = await api.Http.GetStringAsync(v1beta2);
            second = await api.Http.GetStringAsync(v1beta2);
        }
        while (Timestamp(first) != Timestamp(second) && ++attempts < 10);

        var otherVersion = JsonNode.Parse(await api.Http.GetStringAsync(v1beta1))!;
        api.Host.Emulator.State.SetSubscription(ApiHost.Topic, "public/default/enricher", backlog: 1600, msgRateOut: 20, consumers: 2);
        var changed = await WhenValueAsync(api, v1beta2, v => v != 1500);

        Assert.Equal(first, second);
        Assert.Equal("1500", (string?)JsonNode.Parse(first)!["items"]![0]!["value"]);

        static string? Timestamp(string body) => (string?)JsonNode.Parse(body)!["items"]![0]!["timestamp"];
        Assert.Equal("custom.metrics.k8s.io/v1beta1", (string?)otherVersion["apiVersion"]);
        Assert.Equal("pulsar_subscription_back_log", (string?)otherVersion["items"]![0]!["metricName"]);
        Assert.Equal(1600, changed);
    }

    /// <summary>A path read before is answered without being parsed again, but its query and its Function still count.</summary>
    [Fact]
    public async Task ObjectMetric_APathReadBefore_IsStillCheckedOnEachRead_ItsSelectorAndItsFunction()
    {
        await using var api = await ApiHost.StartAsync();
        var path = $"{Base}/v1beta2/namespaces/fm/{Function}/enricher/pulsar_rate_in";
        await api.WhenReadyAsync(path);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(path)).Status);

        var (selected, selectedBody) = await api.GetAsync(path + "?metricLabelSelector=topic%3Dx");
        var (malformed, _) = await api.GetAsync(path + "?metricLabelSelector=%3Db");
        Assert.True(api.Host.Kubernetes.Delete("functions", "fm", "enricher"));
        var deadline = DateTime.UtcNow + Timeout;
        (HttpStatusCode Status, JsonNode Body) gone;
        while ((gone = await api.GetAsync(path)).Status == HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the deleted Function was still served");
            await Task.Delay(50);
        }

        Assert.Equal(HttpStatusCode.NotFound, selected);
        Assert.Contains("matching metricLabelSelector topic=x", (string?)selectedBody["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, malformed);
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Contains("enricher not found", (string?)gone.Body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ObjectMetric_V1beta1_UsesItsOwnFieldNames()
    {
        await using var api = await ApiHost.StartAsync();

        var item = (await api.WhenReadyAsync($"{Base}/v1beta1/namespaces/fm/{Function}/enricher/pulsar_rate_in"))["items"]!.AsArray().Single()!;

        Assert.Equal("pulsar_rate_in", (string?)item["metricName"]);
        Assert.True(item.AsObject().ContainsKey("selector"));
        Assert.False(item.AsObject().ContainsKey("metric"));
        Assert.True((int)item["window"]! > 0);
        Assert.Equal("25", (string?)item["value"]);
    }

    [Fact]
    public async Task ObjectMetric_ReplicasNeeded_IsCapacityModesUnroundedNeed()
    {
        await using var api = await ApiHost.StartAsync();

        var item = (await api.WhenReadyAsync($"{Base}/v1beta2/namespaces/fm/{Function}/enricher/meshscaler_replicas_needed"))["items"]!.AsArray().Single()!;

        Assert.True(KubernetesQuantityValue((string)item["value"]!) > 0);
    }

    [Fact]
    public async Task ObjectMetric_ProcessingRate_ComesFromTheRunnerPods()
    {
        await using var api = await ApiHost.StartAsync();
        for (var i = 0; i < 2; i++)
        {
            api.Host.Kubernetes.Apply("pods", FunctionMeshObjects.RunnerPod("fm", "enricher", i, "127.0.0.1", api.Host.Runners.Ports[i]));
        }

        var path = $"{Base}/v1beta2/namespaces/fm/{Function}/enricher/pulsar_function_processed_successfully";
        var deadline = DateTime.UtcNow + Timeout;
        JsonNode item;
        while (true)
        {
            api.Host.Runners.Process(0, 20);
            api.Host.Runners.Process(1, 20);
            var (status, body) = await api.GetAsync(path);
            if (status == HttpStatusCode.OK && KubernetesQuantityValue((string)body["items"]![0]!["value"]!) > 0)
            {
                item = body["items"]![0]!;
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no processing rate: {(int)status} {body}");
            await Task.Delay(100);
        }

        Assert.Equal("pulsar_function_processed_successfully", (string?)item["metric"]!["name"]);
        Assert.True((int)item["windowSeconds"]! > 0);
    }

    [Fact]
    public async Task PodsMetric_TheHpasCall_EachRunnerPodsOwnRate()
    {
        await using var api = await ApiHost.StartAsync();
        api.StartRunnerPods();
        var selector = Uri.EscapeDataString(Core.FunctionMeshLabels.Selector(Core.ComponentKind.Function, "fm", "enricher"));

        var items = await api.PodItemsAsync($"{Base}/v1beta2/namespaces/fm/pods/%2A/pulsar_function_processed_successfully?labelSelector={selector}", 2);

        Assert.Equal(["enricher-function-0", "enricher-function-1"], items.Select(i => (string)i["describedObject"]!["name"]!).Order());
        Assert.All(items, i =>
        {
            Assert.Equal("Pod", (string?)i["describedObject"]!["kind"]);
            Assert.Equal("v1", (string?)i["describedObject"]!["apiVersion"]);
            Assert.Equal("fm", (string?)i["describedObject"]!["namespace"]);
            Assert.True((int)i["windowSeconds"]! > 0);
        });
    }

    [Fact]
    public async Task PodsMetric_OnePodByName_V1beta1()
    {
        await using var api = await ApiHost.StartAsync();
        api.StartRunnerPods();
        var selector = Uri.EscapeDataString("compute.functionmesh.io/name=enricher");

        var items = await api.PodItemsAsync($"{Base}/v1beta1/namespaces/fm/pods/enricher-function-1/pulsar_function_received?labelSelector={selector}", 1);

        Assert.Equal("enricher-function-1", (string?)items.Single()["describedObject"]!["name"]);
        Assert.Equal("pulsar_function_received", (string?)items.Single()["metricName"]);
    }

    [Theory]
    [InlineData("a selector that selects no runner pods", "/namespaces/fm/pods/%2A/pulsar_function_received?labelSelector=name%3Dghost", 404, "selects no Function runner pods")]
    [InlineData("a sink's metric on a Function's pods", "/namespaces/fm/pods/%2A/pulsar_sink_written?labelSelector=name%3Denricher", 404, "selects no Sink runner pods")]
    [InlineData("a metric pods do not have", "/namespaces/fm/pods/%2A/pulsar_rate_in?labelSelector=name%3Denricher", 404, "served on runner pods: pulsar_function_processed_successfully")]
    [InlineData("a malformed selector", "/namespaces/fm/pods/%2A/pulsar_function_received?labelSelector=name%20in%20", 400, "unable to parse labelSelector")]
    public async Task PodsMetric_BadRequests_GetTheirStatus(string name, string path, int code, string message)
    {
        await using var api = await ApiHost.StartAsync();
        await api.WhenReadyAsync($"{Base}/v1beta2/namespaces/fm/{Function}/enricher/pulsar_subscription_back_log");

        var (status, body) = await api.GetAsync($"{Base}/v1beta2{path}");

        Assert.True((int)status == code, $"{name}: {(int)status} {body}");
        Assert.Contains(message, (string?)body["message"], StringComparison.Ordinal);
    }

    /// <summary>Name, path (under the v1beta2 base unless absolute), the code and reason, and what the message must say.</summary>
    public static TheoryData<string, string, int, string, string> Failures => new()
    {
        { "unknown metric", $"/namespaces/fm/{Function}/enricher/nonsense", 404, "NotFound", "could not find the metric nonsense" },
        { "unknown resource", "/namespaces/fm/deployments.apps/enricher/pulsar_rate_in", 404, "NotFound", "MeshScaler serves metrics on functions.compute.functionmesh.io" },
        { "a Function that does not exist", $"/namespaces/fm/{Function}/ghost/pulsar_rate_in", 404, "NotFound", "ghost" },
        { "unknown group", "/apis/metrics.k8s.io/v1beta1/namespaces/fm/pods", 404, "NotFound", "MeshScaler serves /apis/custom.metrics.k8s.io and /apis/external.metrics.k8s.io" },
        { "unknown version", "/apis/custom.metrics.k8s.io/v2", 404, "NotFound", "no version \"v2\"" },
        { "cluster-scoped form", $"/{Function}/enricher/pulsar_rate_in", 404, "NotFound", "could not find the requested resource" },
        { "wildcard name", $"/namespaces/fm/{Function}/%2A/pulsar_rate_in", 404, "NotFound", "name one Function" },
        { "bad labelSelector", $"/namespaces/fm/{Function}/enricher/pulsar_rate_in?labelSelector=a%20in%20(b", 400, "BadRequest", "unable to parse labelSelector" },
        { "bad metricLabelSelector", $"/namespaces/fm/{Function}/enricher/pulsar_rate_in?metricLabelSelector=%3Db", 400, "BadRequest", "unable to parse metricLabelSelector" },
        { "a metric selector nothing matches", $"/namespaces/fm/{Function}/enricher/pulsar_rate_in?metricLabelSelector=topic%3Dx", 404, "NotFound", "matching metricLabelSelector topic=x" },
        { "huge path", "/" + new string('x', 5000), 404, "NotFound", "(a path of " },
        { "odd path", "/../../etc/passwd", 404, "NotFound", "could not find the requested resource" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task BadRequests_GetTheirStatus_AndTheApiKeepsServing(string name, string path, int code, string reason, string message)
    {
        await using var api = await ApiHost.StartAsync();
        await api.WhenReadyAsync($"{Base}/v1beta2/namespaces/fm/{Function}/enricher/pulsar_subscription_back_log");

        var (status, body) = await api.GetAsync(path.StartsWith("/apis", StringComparison.Ordinal) ? path : $"{Base}/v1beta2{path}");

        Assert.True((int)status == code, $"{name}: {(int)status} {body}");
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Equal("v1", (string?)body["apiVersion"]);
        Assert.Equal("Failure", (string?)body["status"]);
        Assert.Equal(reason, (string?)body["reason"]);
        Assert.Equal(code, (int)body["code"]!);
        Assert.Contains(message, (string?)body["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"{Base}/v1beta2/namespaces/fm/{Function}/enricher/pulsar_subscription_back_log")).Status);
    }

    [Fact]
    public async Task UnavailableSource_Is503_NeverAZero()
    {
        await using var api = await ApiHost.StartAsync();
        const string Broken = "persistent://public/default/broken-in";
        api.Host.Emulator.State.CreateTopic(Broken);
        api.Host.Emulator.SetFault(EmulatorFault.ServerError(), "/admin/v2/persistent/public/default/broken-in");
        api.Host.Kubernetes.Apply("functions", FunctionMeshObjects.Function("fm", "broken", [Broken]));

        // Until the watch has delivered the Function (before that it is 404, or 400 without its ConfigMap).
        var deadline = DateTime.UtcNow + Timeout;
        (HttpStatusCode Status, JsonNode Body) answer;
        do
        {
            answer = await api.GetAsync($"{Base}/v1beta2/namespaces/fm/{Function}/broken/pulsar_subscription_back_log");
            Assert.True(DateTime.UtcNow < deadline, $"{(int)answer.Status} {answer.Body}");
            await Task.Delay(50);
        }
        while (answer.Status is HttpStatusCode.NotFound or HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal("ServiceUnavailable", (string?)answer.Body["reason"]);
        Assert.DoesNotContain("items", answer.Body.AsObject().Select(p => p.Key));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"{Base}/v1beta2/namespaces/fm/{Function}/enricher/pulsar_subscription_back_log")).Status);
    }

    private const string External = "/apis/external.metrics.k8s.io/v1beta1";

    /// <summary>The selector of the test's subscription: a Function's subscription, so its '/' is written _2f.</summary>
    internal const string SubscriptionSelector = "cluster=emulator,tenant=public,namespace=default,topic=orders,subscription=public_2fdefault_2fenricher";

    [Fact]
    public async Task ExternalDiscovery_ListsTheGroupAndItsMetrics()
    {
        await using var api = await ApiHost.StartAsync();

        var groups = await api.GetJsonAsync("/apis");
        var group = await api.GetJsonAsync("/apis/external.metrics.k8s.io");
        var list = await api.GetJsonAsync(External);

        Assert.Contains(groups["groups"]!.AsArray(), g => (string?)g!["name"] == "external.metrics.k8s.io");
        Assert.Equal("external.metrics.k8s.io/v1beta1", (string?)group["preferredVersion"]!["groupVersion"]);
        var backlog = list["resources"]!.AsArray().Single(r => (string?)r!["name"] == "pulsar_subscription_back_log")!;
        Assert.Equal("ExternalMetricValueList", (string?)backlog["kind"]);
        Assert.True((bool)backlog["namespaced"]!);
    }

    [Fact]
    public async Task ExternalMetric_SelectedByLabels_TheSubscriptionsBacklog()
    {
        await using var api = await ApiHost.StartAsync();

        var list = await api.WhenReadyAsync($"{External}/namespaces/fm/pulsar_subscription_back_log?labelSelector={Uri.EscapeDataString(SubscriptionSelector)}");

        Assert.Equal("ExternalMetricValueList", (string?)list["kind"]);
        Assert.Equal("external.metrics.k8s.io/v1beta1", (string?)list["apiVersion"]);
        var item = list["items"]!.AsArray().Single()!;
        Assert.Equal("pulsar_subscription_back_log", (string?)item["metricName"]);
        Assert.Equal("1500", (string?)item["value"]);
        Assert.Equal("public_2fdefault_2fenricher", (string?)item["metricLabels"]!["subscription"]);
        Assert.Equal("orders", (string?)item["metricLabels"]!["topic"]);
        Assert.False(item.AsObject().ContainsKey("window"));
    }

    [Fact]
    public async Task ExternalMetric_Rate_HasItsWindow_AndTheLowercasedNameIsRead()
    {
        await using var api = await ApiHost.StartAsync();

        var item = (await api.WhenReadyAsync($"{External}/namespaces/fm/PULSAR_RATE_IN?labelSelector={Uri.EscapeDataString(SubscriptionSelector)}"))["items"]![0]!;

        Assert.Equal("25", (string?)item["value"]);
        Assert.True((int)item["window"]! > 0);
    }

    /// <summary>Name, selector, code, what the message must say.</summary>
    public static TheoryData<string, string, int, string> ExternalFailures => new()
    {
        { "a label missing", "cluster=emulator,tenant=public,namespace=default,topic=orders", 400, "subscription has none" },
        { "a label not given with =", "cluster=emulator,tenant=public,namespace=default,topic=orders,subscription!=x", 400, "subscription has none" },
        { "a value that is not an escaped name", "cluster=emulator,tenant=public,namespace=default,topic=orders,subscription=a_zz", 400, "subscription=a_zz is not a name written as a label value" },
        { "an unknown cluster", "cluster=nowhere,tenant=public,namespace=default,topic=orders,subscription=s", 400, "nowhere" },
        { "a topic that does not exist", "cluster=emulator,tenant=public,namespace=default,topic=ghost,subscription=s", 404, "ghost" },
        { "a malformed selector", "cluster in (", 400, "unable to parse labelSelector" },
    };

    [Theory]
    [MemberData(nameof(ExternalFailures))]
    public async Task ExternalMetric_BadSelectors_GetTheirStatus(string name, string selector, int code, string message)
    {
        await using var api = await ApiHost.StartAsync();

        var (status, body) = await api.GetAsync($"{External}/namespaces/fm/pulsar_subscription_back_log?labelSelector={Uri.EscapeDataString(selector)}");

        Assert.True((int)status == code, $"{name}: {(int)status} {body}");
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Contains(message, (string?)body["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/namespaces/fm/nonsense", "could not find the external metric nonsense")]
    [InlineData("/nonsense", "could not find the requested resource")]
    [InlineData("/namespaces/fm", "could not find the requested resource")]
    public async Task ExternalMetric_UnknownPaths_Are404(string path, string message)
    {
        await using var api = await ApiHost.StartAsync();

        var (status, body) = await api.GetAsync(External + path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains(message, (string?)body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HundredHpas_ReadingTogether_ShareTheEnginesFetches()
    {
        await using var api = await ApiHost.StartAsync();
        var path = $"{Base}/v1beta2/namespaces/fm/{Function}/enricher/pulsar_subscription_back_log";
        await api.WhenReadyAsync(path);
        const string Stats = "/admin/v2/persistent/public/default/orders/stats";
        var before = api.Host.Emulator.RequestCount(Stats);
        var started = DateTime.UtcNow;

        // 100 HPAs, each reading its metric 10 times in a row: 1,000 reads.
        await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(path)).Status);
            }
        }));

        // One fetch per poll interval (200 ms here), plus at most one read refresh per interval for a metric read by one
        // question: the bound counts the intervals the reads actually spanned.
        var intervals = Math.Ceiling((DateTime.UtcNow - started) / TimeSpan.FromMilliseconds(200)) + 1;
        var fetches = api.Host.Emulator.RequestCount(Stats) - before;
        Assert.True(fetches <= 2 * intervals, $"{fetches} stats requests for 1,000 reads over {intervals} poll intervals");
        Assert.True(api.Host.Emulator.RequestCount(Stats) > 0, "the stats path counted is not the one fetched");
    }

    [Fact]
    public async Task Write_IsRefused()
    {
        await using var api = await ApiHost.StartAsync();

        using var response = await api.Http.PostAsync($"{Base}/v1beta2", new StringContent("{}"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("MethodNotAllowed", (string?)body["reason"]);
    }

    [Theory]
    [InlineData("/healthz", "ok")]
    [InlineData("/livez", "ok")]
    [InlineData("/readyz", "ok")]
    public async Task Probes_AreAnsweredOnTheApisPort(string path, string expected)
    {
        await using var api = await ApiHost.StartAsync();

        Assert.Equal(expected, await api.Http.GetStringAsync(path));
    }

    [Fact]
    public async Task OpenApi_BothVersionsAnswerJson()
    {
        await using var api = await ApiHost.StartAsync();

        Assert.Equal("2.0", (string?)(await api.GetJsonAsync("/openapi/v2"))["swagger"]);
        Assert.NotNull((await api.GetJsonAsync("/openapi/v3"))["paths"]);
    }

    [Fact]
    public async Task TheOtherListeners_DoNotServeTheApi()
    {
        await using var api = await ApiHost.StartAsync();

        using var response = await api.Host.Http.GetAsync($"{Base}/v1beta2");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static double KubernetesQuantityValue(string text) =>
        Core.KubernetesQuantity.TryParse(text, out var value, out var error) ? (double)value : throw new InvalidOperationException(error);

    [Fact]
    public async Task WithoutACluster_TheInsecureApiServesDiscovery_AndAMetricSaysWhyNot()
    {
        await using var api = await ApiHost.StartAsync(https: false, settings =>
        {
            settings["MeshScaler:Kubernetes:Server"] = null;
            settings["MeshScaler:Kubernetes:Enabled"] = "false";
        });

        var discovery = await api.GetJsonAsync($"{Base}/v1beta2");
        var (status, body) = await api.GetAsync($"{Base}/v1beta2/namespaces/fm/{Function}/enricher/pulsar_subscription_back_log");

        Assert.Equal("APIResourceList", (string?)discovery["kind"]);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("function: needs the Kubernetes API", (string?)body["message"]);
    }
}
