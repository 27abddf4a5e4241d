using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Keda;

namespace MeshScaler.FunctionalTests;

/// <summary>KEDA's four RPCs over real HTTP/2 against the real host and the Pulsar admin emulator.</summary>
public sealed class ExternalScalerTests
{
    private const string Topic = "persistent://public/default/orders";
    private const string Subscription = "public/default/enricher";
    private const string IsActive = "/externalscaler.ExternalScaler/IsActive";
    private const string GetMetricSpec = "/externalscaler.ExternalScaler/GetMetricSpec";
    private const string GetMetrics = "/externalscaler.ExternalScaler/GetMetrics";
    private const string StreamIsActive = "/externalscaler.ExternalScaler/StreamIsActive";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static ScaledObjectRef Ref(ScalerHost host, params (string Key, string Value)[] extra)
    {
        var reference = new ScaledObjectRef { Name = "enricher", Namespace = "fm" };
        reference.ScalerMetadata.Add("scalerAddress", "meshscaler.meshscaler:9090");
        reference.ScalerMetadata.Add("adminURL", host.AdminUrl);
        reference.ScalerMetadata.Add("topic", Topic);
        reference.ScalerMetadata.Add("subscription", Subscription);
        foreach (var (key, value) in extra)
        {
            reference.ScalerMetadata[key] = value;
        }

        return reference;
    }

    private static GetMetricsRequest Metrics(ScaledObjectRef reference, string name = "pulsar-public-default-orders-public-default-enricher") =>
        new() { ScaledObjectRef = reference, MetricName = name };

    [Fact]
    public async Task GetMetricSpec_AnswersFromMetadataWithoutCallingPulsar()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.SetFault(EmulatorFault.Refuse());

        var result = await host.Grpc.UnaryAsync(GetMetricSpec, Ref(host, ("msgBacklogThreshold", "2.5")), GetMetricSpecResponse.Parser);

        var spec = Assert.Single(result.Single().MetricSpecs);
        Assert.Equal(0, result.Status);
        Assert.Equal("pulsar-public-default-orders-public-default-enricher", spec.MetricName);
        Assert.Equal(2.5, spec.TargetSizeFloat);
        Assert.Equal(3, spec.TargetSize);
        Assert.Equal(0, host.Emulator.RequestCount());
    }

    [Fact]
    public async Task GetMetricSpec_CapacityMode_TargetsOneReplica()
    {
        await using var host = await ScalerHost.StartAsync();

        var spec = (await host.Grpc.UnaryAsync(GetMetricSpec, Ref(host, ("scalingMode", "capacity")), GetMetricSpecResponse.Parser)).Single().MetricSpecs.Single();

        Assert.Equal(1, spec.TargetSizeFloat);
        Assert.Equal(1, spec.TargetSize);
    }

    [Fact]
    public async Task GetMetrics_ReturnsBacklogAsFloatAndRoundedUpInt()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic, partitions: 3);
        host.Emulator.State.SetRates(Topic, 20);
        host.Emulator.State.SetSubscription(Topic, Subscription, backlog: 8102, msgRateOut: 15, consumers: 2);

        var result = await host.Grpc.UnaryAsync(GetMetrics, Metrics(Ref(host)), GetMetricsResponse.Parser);

        var value = Assert.Single(result.Single().MetricValues);
        Assert.Equal(0, result.Status);
        Assert.Equal(8102, value.MetricValueFloat);
        Assert.Equal(8102, value.MetricValue_);
        Assert.Equal("pulsar-public-default-orders-public-default-enricher", value.MetricName);
    }

    [Fact]
    public async Task GetMetrics_CapacityMode_ServesTheUnroundedNeedAsFloatAndItsCeilingAsInt()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetRates(Topic, 250);
        host.Emulator.State.SetSubscription(Topic, Subscription, backlog: 0, msgRateOut: 250, consumers: 3);

        var result = await host.Grpc.UnaryAsync(
            GetMetrics, Metrics(Ref(host, ("scalingMode", "capacity"), ("msgRatePerReplica", "100"))), GetMetricsResponse.Parser);

        // 250 msg/s at 100 per replica: 2.5 replicas. KEDA uses the float; the HPA rounds up, within its tolerance.
        var value = Assert.Single(result.Single().MetricValues);
        Assert.Equal(0, result.Status);
        Assert.Equal(2.5, value.MetricValueFloat);
        Assert.Equal(3, value.MetricValue_);
    }

    [Fact]
    public async Task GetMetrics_KedaLowercasedName_IsAccepted_OtherNameIsInvalid()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetSubscription(Topic, Subscription, backlog: 1);

        var ok = await host.Grpc.UnaryAsync(GetMetrics, Metrics(Ref(host), "PULSAR-public-default-orders-public-default-enricher"), GetMetricsResponse.Parser);
        var wrong = await host.Grpc.UnaryAsync(GetMetrics, Metrics(Ref(host), "s0-something-else"), GetMetricsResponse.Parser);

        Assert.Equal(0, ok.Status);
        Assert.Equal(3, wrong.Status);
        Assert.Equal("metric \"s0-something-else\" is not served by this trigger; GetMetricSpec returns \"pulsar-public-default-orders-public-default-enricher\"", wrong.Message);
    }

    [Fact]
    public async Task IsActive_FollowsBacklogStrictlyAboveActivation()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetSubscription(Topic, Subscription, backlog: 5);

        var atThreshold = await host.Grpc.UnaryAsync(IsActive, Ref(host, ("activationMsgBacklogThreshold", "5")), IsActiveResponse.Parser);
        var above = await host.Grpc.UnaryAsync(IsActive, Ref(host, ("activationMsgBacklogThreshold", "4")), IsActiveResponse.Parser);

        Assert.False(atThreshold.Single().Result);
        Assert.True(above.Single().Result);
    }

    [Fact]
    public async Task BadMetadata_IsInvalidArgumentWithEveryError()
    {
        await using var host = await ScalerHost.StartAsync();
        var reference = Ref(host, ("msgBacklogThreshold", "abc"), ("scalingMode", "fast"));
        reference.ScalerMetadata.Remove("subscription");

        var result = await host.Grpc.UnaryAsync(GetMetricSpec, reference, GetMetricSpecResponse.Parser);

        Assert.Equal(3, result.Status);
        Assert.Equal(
            "invalid trigger metadata: msgBacklogThreshold must be a number > 0, got \"abc\"; scalingMode must be backlog or capacity, got \"fast\"; missing required parameter \"subscription\"",
            result.Message);
    }

    [Fact]
    public async Task UnlistedAdminUrl_IsInvalidArgumentAndNeverCalled()
    {
        await using var host = await ScalerHost.StartAsync();

        var result = await host.Grpc.UnaryAsync(GetMetrics, Metrics(Ref(host, ("adminURL", "http://169.254.169.254"))), GetMetricsResponse.Parser);

        Assert.Equal(3, result.Status);
        Assert.Contains("adminURL", result.Message, StringComparison.Ordinal);
        Assert.Contains("not a configured cluster", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetrics_UnlistedAdminUrlAndWrongMetricName_ReportsTheAdminUrlFirst()
    {
        await using var host = await ScalerHost.StartAsync();

        var result = await host.Grpc.UnaryAsync(
            GetMetrics, Metrics(Ref(host, ("adminURL", "http://169.254.169.254")), name: "s0-something-else"), GetMetricsResponse.Parser);

        Assert.Equal(3, result.Status);
        Assert.Contains("not a configured cluster", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("something-else", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingTopic_IsNotFound()
    {
        await using var host = await ScalerHost.StartAsync();

        var result = await host.Grpc.UnaryAsync(GetMetrics, Metrics(Ref(host, ("isPartitionedTopic", "false"))), GetMetricsResponse.Parser);

        Assert.Equal(5, result.Status);
        Assert.Contains("persistent://public/default/orders", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PulsarUnreachable_IsUnavailableNamingTheCluster()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.SetFault(EmulatorFault.ServerError());

        var metrics = await host.Grpc.UnaryAsync(GetMetrics, Metrics(Ref(host)), GetMetricsResponse.Parser);
        var active = await host.Grpc.UnaryAsync(IsActive, Ref(host), IsActiveResponse.Parser);

        Assert.Equal(14, metrics.Status);
        Assert.Contains("emulator", metrics.Message, StringComparison.Ordinal);
        Assert.Empty(metrics.Messages);
        Assert.Equal(14, active.Status);
        Assert.Empty(active.Messages);
    }

    [Fact]
    public async Task AuthRefused_IsUnauthenticated()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.SetFault(EmulatorFault.RequireToken("secret-token"));

        var result = await host.Grpc.UnaryAsync(GetMetrics, Metrics(Ref(host)), GetMetricsResponse.Parser);

        Assert.Equal(16, result.Status);
        Assert.DoesNotContain("secret-token", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outage_ServesLastValueThenUnavailable_NeverInactive()
    {
        await using var host = await ScalerHost.StartAsync((settings, _) => settings["MeshScaler:Pulsar:MaxStaleness"] = "00:00:01.500");
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetSubscription(Topic, Subscription, backlog: 42);
        var first = await host.Grpc.UnaryAsync(GetMetrics, Metrics(Ref(host)), GetMetricsResponse.Parser);
        Assert.Equal(42, first.Single().MetricValues[0].MetricValueFloat);

        host.Emulator.SetFault(EmulatorFault.ServerError());
        var during = await host.Grpc.UnaryAsync(GetMetrics, Metrics(Ref(host)), GetMetricsResponse.Parser);
        Assert.Equal(42, during.Single().MetricValues[0].MetricValueFloat);

        var deadline = DateTime.UtcNow + Timeout;
        GrpcCallResult<IsActiveResponse> active;
        do
        {
            await Task.Delay(200);
            active = await host.Grpc.UnaryAsync(IsActive, Ref(host), IsActiveResponse.Parser);
            Assert.True(active.Status == 14 || active.Single().Result, "an outage must never answer inactive");
        }
        while (active.Status != 14 && DateTime.UtcNow < deadline);

        Assert.Equal(14, active.Status);
        Assert.Contains("MaxStaleness", active.Message, StringComparison.Ordinal);
        Assert.Contains("cluster 'emulator'", active.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneFailingTopic_HealthyNeighboursKeepFreshValues()
    {
        // One topic answering 500 on every attempt (three per poll with the default retries) beside two good ones, one
        // fetch each per 1 s poll: 3 failures to 2 successes per poll, which opened the old per-attempt breaker (ratio
        // 0.5, 5 outcomes) for the whole cluster, so the good topics were served stale values.
        await using var host = await ScalerHost.StartAsync((settings, _) => settings["MeshScaler:Pulsar:PollInterval"] = "00:00:01");
        const string Bad = "persistent://public/default/broken";
        string[] good = ["persistent://public/default/orders-a", "persistent://public/default/orders-b"];
        host.Emulator.State.CreateTopic(Bad);
        host.Emulator.SetFault(EmulatorFault.ServerError(), "/admin/v2/persistent/public/default/broken");
        foreach (var topic in good)
        {
            host.Emulator.State.CreateTopic(topic);
            host.Emulator.State.SetSubscription(topic, Subscription, backlog: 10);
        }

        ScaledObjectRef On(string topic) => Ref(host, ("topic", topic));
        async Task<GrpcCallResult<GetMetricsResponse>> Read(string topic) =>
            await host.Grpc.UnaryAsync(GetMetrics, Metrics(On(topic), name: string.Empty), GetMetricsResponse.Parser);

        foreach (var topic in good)
        {
            Assert.Equal(10, (await Read(topic)).Single().MetricValues[0].MetricValueFloat);
        }

        // Only the bad topic is read meanwhile (a failing topic is never fetched per read), so the good ones are fetched
        // by the poll loop alone, once per interval, as on a quiet cluster.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(4);
        while (DateTime.UtcNow < until)
        {
            Assert.Equal(14, (await Read(Bad)).Status);
            await Task.Delay(200);
        }

        foreach (var topic in good)
        {
            host.Emulator.State.SetSubscription(topic, Subscription, backlog: 777);
        }

        var deadline = DateTime.UtcNow + Timeout;
        var fresh = new HashSet<string>();
        while (fresh.Count < good.Length && DateTime.UtcNow < deadline)
        {
            foreach (var topic in good)
            {
                var result = await Read(topic);
                Assert.Equal(0, result.Status);
                if (result.Single().MetricValues[0].MetricValueFloat == 777)
                {
                    fresh.Add(topic);
                }
            }

            await Task.Delay(100);
        }

        Assert.Equal(good, fresh.Order());

        // Guards the test itself: the bad topic failed often enough to have opened a breaker that counted it.
        Assert.True(host.Emulator.RequestCount("/admin/v2/persistent/public/default/broken") >= 6);
    }

    [Fact]
    public async Task MissingSubscription_IsZeroBacklogAndActiveWhileTrafficFlows()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetRates(Topic, 12.5);

        var metrics = await host.Grpc.UnaryAsync(GetMetrics, Metrics(Ref(host)), GetMetricsResponse.Parser);
        var active = await host.Grpc.UnaryAsync(IsActive, Ref(host), IsActiveResponse.Parser);

        Assert.Equal(0, metrics.Status);
        Assert.Equal(0, metrics.Single().MetricValues[0].MetricValueFloat);
        Assert.True(active.Single().Result);
        Assert.Single(host.Logs.Entries, e => e.EventId.Id == 3003);
        var scrape = await host.Http.GetStringAsync("/metrics");
        Assert.Contains("meshscaler_subscription_missing{cluster=\"emulator\",subscription=\"public/default/enricher\",topic=\"persistent://public/default/orders\"} 1", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamIsActive_SendsCurrentStateThenOnlyTransitions()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetSubscription(Topic, Subscription, backlog: 0);
        using var cts = new CancellationTokenSource(Timeout * 3);

        using (var stream = host.Grpc.Stream(StreamIsActive, Ref(host), IsActiveResponse.Parser, cts.Token))
        {
            Assert.False((await stream.ReadAsync(Timeout))!.Result);

            host.Emulator.State.SetSubscription(Topic, Subscription, backlog: 50);
            Assert.True((await stream.ReadAsync(Timeout))!.Result);

            host.Emulator.State.SetSubscription(Topic, Subscription, backlog: 0);
            Assert.False((await stream.ReadAsync(Timeout))!.Result);
        }

        // The client went away: the handler ends, without an Error log, and the open-stream gauge returns to 0.
        var deadline = DateTime.UtcNow + Timeout;
        string scrape;
        do
        {
            await Task.Delay(100);
            scrape = await host.Http.GetStringAsync("/metrics");
        }
        while (!scrape.Contains("meshscaler_rpc_open_streams 0", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

        Assert.Contains("meshscaler_rpc_open_streams 0", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamIsActive_BadMetadata_EndsWithInvalidArgument()
    {
        await using var host = await ScalerHost.StartAsync();
        var reference = Ref(host);
        reference.ScalerMetadata.Remove("topic");

        var result = await host.Grpc.UnaryAsync(StreamIsActive, reference, IsActiveResponse.Parser);

        Assert.Equal(3, result.Status);
        Assert.Empty(result.Messages);
    }

    [Fact]
    public async Task OpsEndpoints_ServeMetricsHealthAndReadinessWithoutPulsar()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.SetFault(EmulatorFault.Refuse());
        await host.Grpc.UnaryAsync(GetMetricSpec, Ref(host), GetMetricSpecResponse.Parser);
        await host.Grpc.UnaryAsync(GetMetrics, Metrics(Ref(host)), GetMetricsResponse.Parser);

        Assert.Equal("ok\n", await host.Http.GetStringAsync("/healthz"));
        Assert.Equal("ready\n", await host.Http.GetStringAsync("/readyz"));
        var scrape = await host.Http.GetStringAsync("/metrics");
        Assert.Contains("meshscaler_rpc_requests_total{method=\"GetMetricSpec\",status=\"OK\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("meshscaler_rpc_requests_total{method=\"GetMetrics\",status=\"UNAVAILABLE\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("meshscaler_rpc_duration_seconds_bucket{method=\"GetMetrics\",status=\"UNAVAILABLE\",le=\"+Inf\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("meshscaler_upstream_requests_total{cluster=\"emulator\",kind=\"stats\",outcome=\"unavailable\"}", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownTriggerKey_IsLoggedOnceAsWarning()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetSubscription(Topic, Subscription, backlog: 1);

        for (var i = 0; i < 3; i++)
        {
            await host.Grpc.UnaryAsync(IsActive, Ref(host, ("msgBacklog", "5")), IsActiveResponse.Parser);
        }

        var warning = Assert.Single(host.Logs.Entries, e => e.EventId.Id == 5001);
        Assert.Equal("ScaledObject fm/enricher: unknown trigger metadata key \"msgBacklog\" is ignored", warning.Message);
    }

    [Fact]
    public async Task InvalidMetadata_EachCallIsLoggedOnce_AndATypoIsNamed()
    {
        await using var host = await ScalerHost.StartAsync();

        var result = await host.Grpc.UnaryAsync(IsActive, Ref(host, ("msgBacklogTreshold", "5")), IsActiveResponse.Parser);

        Assert.Equal(3, result.Status);
        Assert.Equal("invalid trigger metadata: unknown parameter \"msgBacklogTreshold\": did you mean \"msgBacklogThreshold\"?", result.Message);
        var logged = Assert.Single(host.Logs.Entries, e => e.Message.Contains("msgBacklogTreshold", StringComparison.Ordinal));
        Assert.Equal(5000, logged.EventId.Id);
    }

    [Fact]
    public async Task StreamIsActive_ServerShutdown_EndsStreamWithOkPromptly()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetSubscription(Topic, Subscription, backlog: 3);
        using var stream = host.Grpc.Stream(StreamIsActive, Ref(host), IsActiveResponse.Parser);
        Assert.True((await stream.ReadAsync(Timeout))!.Result);

        // Without the server ending it, the stream would stay open until Kestrel's 30 s shutdown timeout.
        var stop = host.App.StopAsync();
        Assert.Null(await stream.ReadAsync(Timeout));
        await stop.WaitAsync(Timeout);

        Assert.Equal(Grpc.Core.StatusCode.OK, stream.Status.StatusCode);
    }
}
