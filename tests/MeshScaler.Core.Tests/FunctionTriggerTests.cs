using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class FunctionTriggerTests
{
    private static readonly TopicName In = new("public", "default", "orders-in");

    private static readonly FunctionFacts Facts = new(
        new FunctionRef(ComponentKind.Function, "fm", "order-enricher"),
        "public/default/order-enricher",
        new TopicList([In]),
        "public/default/order-enricher",
        new Uri("http://pulsar-broker.pulsar.svc:8080"));

    private static MetadataParseResult Parse(params (string Key, string Value)[] pairs) =>
        TriggerMetadata.Parse(pairs.ToDictionary(p => p.Key, p => p.Value));

    [Fact]
    public void Parse_FunctionAlone_IsValidAndTakesEverythingFromTheResource()
    {
        var result = Parse(("function", "order-enricher"));

        Assert.True(result.Succeeded);
        Assert.Null(result.Target);
        Assert.Equal(new FunctionRef(ComponentKind.Function, "fm", "order-enricher"), result.Function!.In("fm"));

        var target = result.Function.Resolve(Facts);
        Assert.Equal("persistent://public/default/orders-in", target.Topics.Key);
        Assert.Equal("public/default/order-enricher", target.Subscription);
        Assert.Equal(new Uri("http://pulsar-broker.pulsar.svc:8080"), target.AdminUrl);
        Assert.Equal(Facts.Function, target.Function);
        Assert.Equal(RunnerMetricsMode.Auto, target.RunnerMetrics);
        Assert.True(target.UsesRunnerMetrics);
        Assert.Equal("pulsar-function-fm-order-enricher", target.MetricName);
    }

    [Fact]
    public void Resolve_ExplicitKeys_WinOverTheResource()
    {
        var target = Parse(
            ("function", "es-sink"), ("functionKind", "sink"), ("topic", "t/n/other"), ("subscription", "mine"),
            ("pulsarCluster", "prod"), ("runnerMetrics", "false")).Function!.Resolve(Facts);

        Assert.Equal("persistent://t/n/other", target.Topics.Key);
        Assert.Equal("mine", target.Subscription);
        Assert.Equal("prod", target.ClusterName);
        Assert.Null(target.AdminUrl);
        Assert.False(target.UsesRunnerMetrics);
        Assert.Equal("pulsar-function-fm-order-enricher-mine", target.MetricName);
    }

    [Fact]
    public void Resolve_TopicsChangeWithTheResource_MetricNameStays()
    {
        var trigger = Parse(("function", "order-enricher")).Function!;

        var before = trigger.Resolve(Facts);
        var after = trigger.Resolve(Facts with { Topics = new TopicList([In, new TopicName("public", "default", "more")]) });

        Assert.NotEqual(before.Key, after.Key);
        Assert.Equal(before.MetricName, after.MetricName);
    }

    public static TheoryData<string, (string, string)[], string> Invalid => new()
    {
        { "functionKind without function", [("functionKind", "Sink"), ("adminURL", "http://b:8080"), ("topic", "t/n/x"), ("subscription", "s")], "functionKind needs \"function\"" },
        { "runnerMetrics true without function", [("runnerMetrics", "true"), ("adminURL", "http://b:8080"), ("topic", "t/n/x"), ("subscription", "s")], "runnerMetrics: true needs \"function\"" },
        { "name with upper case", [("function", "Order_Enricher")], "function must be a Kubernetes resource name" },
        { "unknown kind", [("function", "f"), ("functionKind", "Mesh")], "functionKind must be Function, Sink or Source, got \"Mesh\"" },
        { "runnerMetrics typo value", [("function", "f"), ("runnerMetrics", "sometimes")], "runnerMetrics must be auto, true or false" },
        { "two selectors with function", [("function", "f"), ("topic", "t/n/x"), ("topicPattern", "t/n/x.*")], "exactly one of topic, topics or topicPattern must be set, got topic and topicPattern" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_InvalidFunctionMetadata_NamesTheCulprit(string name, (string, string)[] pairs, string expected)
    {
        var result = Parse(pairs);

        Assert.False(result.Succeeded, name);
        Assert.Contains(result.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_SourceWithoutTopics_IsInvalidArgumentNamingIt()
    {
        var facts = Facts with { Function = new FunctionRef(ComponentKind.Source, "fm", "gen"), Topics = null };

        var error = Assert.Throws<ScalingException>(() => Parse(("function", "gen"), ("functionKind", "Source")).Function!.Resolve(facts));

        Assert.Equal(ScalingErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("Source fm/gen has no input topics (a Source reads none); name them with topic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ConfigMapWithoutWebServiceUrl_IsInvalidArgumentNamingTheConfigMap()
    {
        var error = Assert.Throws<ScalingException>(() => Parse(("function", "order-enricher")).Function!.Resolve(Facts with { AdminUrl = null, AdminUrlProblem = "ConfigMap fm/pulsar-config has no webServiceURL" }));

        Assert.Equal(ScalingErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("Function fm/order-enricher: ConfigMap fm/pulsar-config has no webServiceURL; set adminURL or pulsarCluster", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ConfigMapCacheStillListing_IsUnavailable_ToBeAskedAgain()
    {
        var error = Assert.Throws<ScalingException>(() => Parse(("function", "order-enricher")).Function!.Resolve(
            Facts with { AdminUrl = null, AdminUrlProblem = "ConfigMap fm/pulsar-config cannot be read yet (the ConfigMap cache is not synced)", AdminUrlPending = true }));

        Assert.Equal(ScalingErrorKind.Unavailable, error.Kind);
        Assert.Contains("cannot be read yet", error.Message, StringComparison.Ordinal);
    }
}
