using System.Text.Json.Nodes;
using MeshScaler.Core;
using MeshScaler.Emulation.Kubernetes;

namespace MeshScaler.Kubernetes.Tests;

public sealed class FunctionMeshDirectoryTests
{
    private static readonly FunctionRef Enricher = new(ComponentKind.Function, "fm", "order-enricher");

    internal static void Seed(FakeKubernetesApiServer server)
    {
        server.Apply("configmaps", FunctionMeshObjects.ConfigMap("fm", "pulsar-config", "http://pulsar-broker.pulsar.svc:8080"));
        server.Apply("functions", FunctionMeshObjects.Function("fm", "order-enricher", ["persistent://public/default/orders-in", "public/default/orders-retry", "short"]));
        server.Apply("pods", FunctionMeshObjects.RunnerPod("fm", "order-enricher", 1, "10.0.0.11"));
        server.Apply("pods", FunctionMeshObjects.RunnerPod("fm", "order-enricher", 0, "10.0.0.10", metricsPort: 9100));
        server.Apply("pods", FunctionMeshObjects.RunnerPod("fm", "other", 0, "10.0.0.20"));
    }

    [Fact]
    public async Task Resolve_FunctionInCluster_ReadsTopicsSubscriptionAdminUrlAndPods()
    {
        await using var cluster = await FakeCluster.StartAsync(Seed);

        var facts = cluster.Directory.Resolve(Enricher);

        Assert.Equal("public/default/order-enricher", facts.Fqfn);
        Assert.Equal("public/default/order-enricher", facts.Subscription);
        Assert.Equal(
            "persistent://public/default/orders-in,persistent://public/default/orders-retry,persistent://public/default/short",
            facts.Topics!.Key);
        Assert.Equal(new Uri("http://pulsar-broker.pulsar.svc:8080"), facts.AdminUrl);
        Assert.Equal(
            [new RunnerPod("order-enricher-function-0", "10.0.0.10", 9100), new RunnerPod("order-enricher-function-1", "10.0.0.11", 9094)],
            cluster.Directory.Pods(Enricher));
    }

    [Fact]
    public async Task Watch_ChangedAndDeletedFunction_TakesEffectWithoutRestart()
    {
        await using var cluster = await FakeCluster.StartAsync(Seed);

        cluster.Server.Apply("functions", FunctionMeshObjects.Function("fm", "order-enricher", ["persistent://public/default/orders-v2"], subscriptionName: "enricher"));
        await cluster.UntilAsync(() => cluster.Directory.Resolve(Enricher).Subscription == "enricher", "the MODIFIED event");
        Assert.Equal("persistent://public/default/orders-v2", cluster.Directory.Resolve(Enricher).Topics!.Key);

        cluster.Server.Delete("pods", "fm", "order-enricher-function-1");
        await cluster.UntilAsync(() => cluster.Directory.Pods(Enricher).Count == 1, "the pod's DELETED event");

        cluster.Server.Delete("functions", "fm", "order-enricher");
        await cluster.UntilAsync(() => Throws(() => cluster.Directory.Resolve(Enricher)) is { Kind: ScalingErrorKind.NotFound }, "the DELETED event");
        Assert.Equal("Function fm/order-enricher not found", Throws(() => cluster.Directory.Resolve(Enricher))!.Message);
        Assert.Equal(1, cluster.Server.Requests["list functions"]);
    }

    [Theory]
    [InlineData("as an ERROR event", false)]
    [InlineData("as HTTP 410", true)]
    public async Task Watch_ResourceVersionTooOld_Relists(string name, bool asHttpStatus)
    {
        await using var cluster = await FakeCluster.StartAsync(Seed);
        cluster.Server.GoneAsHttpStatus = asHttpStatus;
        var informer = cluster.Caches.Functions.Informers[0];

        cluster.Server.ExpireWatches();
        cluster.Server.Apply("functions", FunctionMeshObjects.Function("fm", "late", ["t/n/late"]));

        await cluster.UntilAsync(() => informer.Lists >= 2, $"a relist ({name})");
        Assert.Contains("410", informer.LastRestartReason, StringComparison.Ordinal);
        await cluster.UntilAsync(() => cluster.Caches.Functions.Single("fm").Cache.Get("fm", "late") is not null, "the object created around the expiry");
        Assert.NotNull(cluster.Directory.Resolve(Enricher));
    }

    [Fact]
    public async Task Watch_Bookmarks_KeepTheResourceVersionCurrentSoNoRelistIsNeeded()
    {
        await using var cluster = await FakeCluster.StartAsync(Seed, o => (o.MinWatchSeconds, o.MaxWatchSeconds) = (1, 1));
        cluster.Server.BookmarkInterval = TimeSpan.FromMilliseconds(100);
        var informer = cluster.Caches.Functions.Informers[0];

        // Only other kinds change: the functions watch sees nothing but bookmarks, which carry it past the compaction.
        cluster.Server.Apply("configmaps", FunctionMeshObjects.ConfigMap("fm", "unrelated", null));
        await Task.Delay(400);
        cluster.Server.Compact();
        var watches = cluster.Server.Requests["watch functions"];
        await cluster.UntilAsync(() => cluster.Server.Requests["watch functions"] >= watches + 2, "two more watches");

        Assert.True(informer.Lists == 1, informer.LastRestartReason);
    }

    [Fact]
    public async Task Rbac_DeniedKind_ErrorNamesThePermissionAndRecoversWhenGranted()
    {
        await using var cluster = await FakeCluster.StartAsync(s => { Seed(s); s.Deny("functions"); });

        var error = Throws(() => cluster.Directory.Resolve(Enricher))!;
        Assert.Equal(ScalingErrorKind.PermissionDenied, error.Kind);
        Assert.Contains("may not list and watch functions.compute.functionmesh.io cluster-wide", error.Message, StringComparison.Ordinal);
        Assert.Contains("deploy/base/rbac.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot list resource \"functions\" in API group \"compute.functionmesh.io\"", error.Message, StringComparison.Ordinal);

        // The other kinds kept working.
        Assert.Equal(2, cluster.Directory.Pods(Enricher).Count);

        cluster.Server.Allow("functions");
        await cluster.UntilAsync(() => Throws(() => cluster.Directory.Resolve(Enricher)) is null, "the list after the grant");
    }

    [Theory]
    [InlineData("cut mid-event", true)]
    [InlineData("an unreadable event", false)]
    public async Task Watch_BrokenStream_LosesNoChange(string name, bool cut)
    {
        await using var cluster = await FakeCluster.StartAsync(Seed);
        if (cut)
        {
            cluster.Server.CutNextEvent();
        }
        else
        {
            cluster.Server.GarbleNextEvent();
        }

        cluster.Server.Apply("functions", FunctionMeshObjects.Function("fm", "order-enricher", ["t/n/after-the-cut"]));
        await cluster.UntilAsync(() => cluster.Directory.Resolve(Enricher).Topics!.Key == "persistent://t/n/after-the-cut", name);

        cluster.Server.Apply("functions", FunctionMeshObjects.Function("fm", "order-enricher", ["t/n/later"]));
        await cluster.UntilAsync(() => cluster.Directory.Resolve(Enricher).Topics!.Key == "persistent://t/n/later", "the next change");
    }

    [Fact]
    public async Task Resolve_MalformedFields_InvalidArgumentNamingThemAndOthersStillWork()
    {
        await using var cluster = await FakeCluster.StartAsync(s =>
        {
            Seed(s);
            var bad = FunctionMeshObjects.Function("fm", "broken", ["t/n/x"]);
            bad["spec"]!["replicas"] = "two";
            bad["spec"]!["input"]!["topics"] = new JsonArray(5, "non-persistent://t/n/y");
            bad["spec"]!["input"]!["customSerdeSources"] = "not a map";
            s.Apply("functions", bad);
        });

        var error = Throws(() => cluster.Directory.Resolve(new FunctionRef(ComponentKind.Function, "fm", "broken")))!;

        Assert.Equal(ScalingErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(
            "Function fm/broken: spec.replicas must be a non-negative integer, got \"two\"; " +
            "spec.input.topics[0] must be persistent://tenant/namespace/topic or tenant/namespace/topic, got \"\"; " +
            "spec.input.topics[1] must be a persistent topic (non-persistent topics have no backlog), got \"non-persistent://t/n/y\"; " +
            "spec.input.customSerdeSources must be a map of topic to settings, got \"not a map\"",
            error.Message);
        Assert.NotNull(cluster.Directory.Resolve(Enricher));
    }

    [Fact]
    public async Task Resolve_InputsFromEveryField_AsTheOperatorReadsThem()
    {
        await using var cluster = await FakeCluster.StartAsync(s =>
        {
            Seed(s);
            var f = FunctionMeshObjects.Function("fm", "many", ["t/n/a"]);
            f["spec"]!["input"]!["customSerdeSources"] = new JsonObject { ["t/n/b"] = "org.Serde" };
            f["spec"]!["input"]!["customSchemaSources"] = new JsonObject { ["persistent://t/n/c"] = "avro", ["t/n/a"] = "json" };
            f["spec"]!["input"]!["sourceSpecs"] = new JsonObject { ["t/n/d"] = new JsonObject { ["receiverQueueSize"] = 10 } };
            s.Apply("functions", f);
            s.Apply("functions", FunctionMeshObjects.Function("fm", "patterned", [], topicPattern: "persistent://t/n/orders-.*"));
            var mixed = FunctionMeshObjects.Function("fm", "mixed", ["t/n/a"]);
            mixed["spec"]!["input"]!["sourceSpecs"] = new JsonObject { ["t/n/e-.*"] = new JsonObject { ["isRegexPattern"] = true } };
            s.Apply("functions", mixed);
        });

        Assert.Equal("persistent://t/n/a,persistent://t/n/b,persistent://t/n/c,persistent://t/n/d", cluster.Directory.Resolve(new FunctionRef(ComponentKind.Function, "fm", "many")).Topics!.Key);
        var pattern = Assert.IsType<TopicPattern>(cluster.Directory.Resolve(new FunctionRef(ComponentKind.Function, "fm", "patterned")).Topics);
        Assert.True(pattern.Matches(new TopicName("t", "n", "orders-eu")));
        Assert.False(pattern.Matches(new TopicName("t", "n", "refunds")));
        var mixed = cluster.Directory.Resolve(new FunctionRef(ComponentKind.Function, "fm", "mixed"));
        Assert.Null(mixed.Topics);
        Assert.Equal("reads 1 topics and 1 patterns together, which one trigger cannot sum", mixed.TopicsProblem);
    }

    [Theory]
    [InlineData("no ConfigMap", "missing", null, "ConfigMap fm/missing named by spec.pulsar.pulsarConfig does not exist")]
    [InlineData("no webServiceURL", "no-url", null, "ConfigMap fm/no-url has no webServiceURL")]
    [InlineData("a bad webServiceURL", "bad-url", "pulsar://broker:6650", "ConfigMap fm/bad-url has webServiceURL \"pulsar://broker:6650\", not an http or https URL")]
    public async Task Resolve_AdminUrlUnknown_ProblemNamesTheConfigMap(string name, string configMap, string? url, string problem)
    {
        await using var cluster = await FakeCluster.StartAsync(s =>
        {
            Seed(s);
            if (configMap != "missing")
            {
                s.Apply("configmaps", FunctionMeshObjects.ConfigMap("fm", configMap, null));
                if (url is not null)
                {
                    var map = FunctionMeshObjects.ConfigMap("fm", configMap, url);
                    s.Apply("configmaps", map);
                }
            }

            s.Apply("functions", FunctionMeshObjects.Function("fm", "f", ["t/n/x"], pulsarConfig: configMap));
        });

        var facts = cluster.Directory.Resolve(new FunctionRef(ComponentKind.Function, "fm", "f"));

        Assert.True(facts.AdminUrl is null, name);
        Assert.Equal(problem, facts.AdminUrlProblem);
    }

    [Fact]
    public async Task Resolve_TheSameFactsWhileTheirSourcesAreUnchanged_NewOnesWhenTheResourceOrItsConfigMapChanges()
    {
        await using var cluster = await FakeCluster.StartAsync(s =>
        {
            Seed(s);
            s.Apply("functions", FunctionMeshObjects.Function("fm", "waiting", ["t/n/x"], pulsarConfig: "later"));
        });
        var waiting = new FunctionRef(ComponentKind.Function, "fm", "waiting");
        var first = cluster.Directory.Resolve(Enricher);
        var missing = cluster.Directory.Resolve(waiting);

        // Another resource and another ConfigMap change their caches, not these facts.
        cluster.Server.Apply("functions", FunctionMeshObjects.Function("fm", "other", ["t/n/y"]));
        cluster.Server.Apply("configmaps", FunctionMeshObjects.ConfigMap("fm", "unrelated", "http://elsewhere:8080"));
        await cluster.UntilAsync(() => Throws(() => cluster.Directory.Resolve(new FunctionRef(ComponentKind.Function, "fm", "other"))) is null, "the other Function");
        await cluster.UntilAsync(() => cluster.Caches.ConfigMaps.Cache.Get("fm", "unrelated") is not null, "the other ConfigMap");
        Assert.Same(first, cluster.Directory.Resolve(Enricher));
        Assert.Same(missing, cluster.Directory.Resolve(waiting));

        cluster.Server.Apply("configmaps", FunctionMeshObjects.ConfigMap("fm", "pulsar-config", "http://pulsar-v2:8080"));
        await cluster.UntilAsync(() => cluster.Directory.Resolve(Enricher).AdminUrl == new Uri("http://pulsar-v2:8080"), "the ConfigMap's change");
        cluster.Server.Apply("configmaps", FunctionMeshObjects.ConfigMap("fm", "later", "http://pulsar-later:8080"));
        await cluster.UntilAsync(() => cluster.Directory.Resolve(waiting).AdminUrl == new Uri("http://pulsar-later:8080"), "the ConfigMap that appeared");
        cluster.Server.Apply("functions", FunctionMeshObjects.Function("fm", "order-enricher", ["persistent://public/default/orders-v2"]));
        await cluster.UntilAsync(() => cluster.Directory.Resolve(Enricher).Topics!.Key == "persistent://public/default/orders-v2", "the Function's change");

        Assert.Equal("ConfigMap fm/later named by spec.pulsar.pulsarConfig does not exist", missing.AdminUrlProblem);
        Assert.Equal(new Uri("http://pulsar-broker.pulsar.svc:8080"), first.AdminUrl);
    }

    [Fact]
    public async Task Resolve_NotFound_HintsAtTheOtherKindAndTheMeshPrefix()
    {
        await using var cluster = await FakeCluster.StartAsync(s =>
        {
            Seed(s);
            s.Apply("sinks", FunctionMeshObjects.Function("fm", "es-sink", ["t/n/x"], kind: "Sink"));
            s.Apply("functionmeshes", FunctionMeshObjects.Mesh("fm", "pipeline", "enrich"));
            s.Apply("functions", FunctionMeshObjects.Function("fm", "pipeline-enrich", ["t/n/x"]));
        });
        await cluster.UntilAsync(() => cluster.Caches.Meshes.Informers[0].Synced && cluster.Caches.Sinks.Informers[0].Synced);

        Assert.Equal(
            "Function fm/es-sink not found (a Sink of that name exists: set functionKind: Sink)",
            Throws(() => cluster.Directory.Resolve(new FunctionRef(ComponentKind.Function, "fm", "es-sink")))!.Message);
        Assert.Equal(
            "Function fm/enrich not found (FunctionMesh pipeline names its Function pipeline-enrich: set function: pipeline-enrich)",
            Throws(() => cluster.Directory.Resolve(new FunctionRef(ComponentKind.Function, "fm", "enrich")))!.Message);
        Assert.Equal("persistent://t/n/x", cluster.Directory.Resolve(new FunctionRef(ComponentKind.Sink, "fm", "es-sink")).Topics!.Key);
    }

    [Fact]
    public async Task Namespaces_Configured_OneWatchPerNamespaceAndOthersRefused()
    {
        await using var cluster = await FakeCluster.StartAsync(s =>
        {
            Seed(s);
            s.Apply("functions", FunctionMeshObjects.Function("elsewhere", "f", ["t/n/x"]));
        }, o => o.Namespaces.Add("fm"));

        Assert.NotNull(cluster.Directory.Resolve(Enricher));
        var error = Throws(() => cluster.Directory.Resolve(new FunctionRef(ComponentKind.Function, "elsewhere", "f")))!;
        Assert.Equal(ScalingErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("namespace elsewhere is not watched: MeshScaler:Kubernetes:Namespaces lists fm", error.Message);
        Assert.Equal("in namespace fm", cluster.Caches.Functions.Informers.Single().Scope);
    }

    [Fact]
    public async Task Pods_WithoutIpAndTerminating_AreKeptAndLeftOutRespectively()
    {
        await using var cluster = await FakeCluster.StartAsync(s =>
        {
            Seed(s);
            s.Apply("pods", FunctionMeshObjects.RunnerPod("fm", "order-enricher", 2, ip: null));
            var leaving = FunctionMeshObjects.RunnerPod("fm", "order-enricher", 3, "10.0.0.13");
            leaving["metadata"]!["deletionTimestamp"] = "2026-12-03T09:00:00Z";
            s.Apply("pods", leaving);
        });

        var pods = cluster.Directory.Pods(Enricher);

        Assert.Equal(["order-enricher-function-0", "order-enricher-function-1", "order-enricher-function-2"], pods.Select(p => p.Name));
        Assert.Null(pods[2].Ip);
    }

    private static ScalingException? Throws(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (ScalingException ex)
        {
            return ex;
        }
    }
}
