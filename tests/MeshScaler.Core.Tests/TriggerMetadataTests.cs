using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class TriggerMetadataTests
{
    private static Dictionary<string, string> Valid(params (string Key, string? Value)[] changes)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["adminURL"] = "http://pulsar-broker.pulsar:8080",
            ["topic"] = "persistent://public/default/orders-in",
            ["subscription"] = "public/default/order-enricher",
        };
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                metadata.Remove(key);
            }
            else
            {
                metadata[key] = value;
            }
        }

        return metadata;
    }

    public static TheoryData<string, Dictionary<string, string>, string[]> InvalidCases => new()
    {
        { "adminURL missing", Valid(("adminURL", null)), ["missing required parameter \"adminURL\" (or \"pulsarCluster\" or \"function\")"] },
        { "adminURL not a URL", Valid(("adminURL", "pulsar-broker:8080")), ["adminURL must be an absolute http or https URL, got \"pulsar-broker:8080\""] },
        { "adminURL ftp", Valid(("adminURL", "ftp://broker")), ["adminURL must be an absolute http or https URL, got \"ftp://broker\""] },
        { "subscription missing", Valid(("subscription", null)), ["missing required parameter \"subscription\""] },
        { "subscription blank", Valid(("subscription", "  ")), ["subscription must not be empty"] },
        { "no topic selector", Valid(("topic", null)), ["exactly one of topic, topics or topicPattern must be set, got none"] },
        { "two topic selectors", Valid(("topics", "a/b/c")), ["exactly one of topic, topics or topicPattern must be set, got topic and topics"] },
        { "topic with two parts", Valid(("topic", "default/orders")), ["topic must be persistent://tenant/namespace/topic or tenant/namespace/topic, got \"default/orders\""] },
        { "non-persistent topic", Valid(("topic", "non-persistent://public/default/x")), ["topic must be a persistent topic (non-persistent topics have no backlog), got \"non-persistent://public/default/x\""] },
        { "adminURL with credentials is redacted", Valid(("adminURL", "http://admin:s3cret@broker:8080")), ["adminURL must not carry credentials (configure them server-side), got \"http://***@broker:8080\""] },
        { "adminURL query is not echoed", Valid(("adminURL", "http://broker:8080/?token=s3cret")), ["adminURL must not have a query or fragment, got \"http://broker:8080/?…\""] },
        { "unparseable adminURL with credentials is redacted", Valid(("adminURL", "http//admin:s3cret@broker")), ["adminURL must be an absolute http or https URL, got \"***@broker\""] },
        { "topics with empty entry", Valid(("topic", null), ("topics", "a/b/c,,a/b/d")), ["topics has an empty entry, got \"a/b/c,,a/b/d\""] },
        { "topics with bad entry", Valid(("topic", null), ("topics", "a/b/c,x")), ["topics entry must be persistent://tenant/namespace/topic or tenant/namespace/topic, got \"x\""] },
        { "pattern without namespace", Valid(("topic", null), ("topicPattern", "orders-.*")), ["topicPattern must be [persistent://]tenant/namespace/<regular expression>, got \"orders-.*\""] },
        { "threshold not a number", Valid(("msgBacklogThreshold", "abc")), ["msgBacklogThreshold must be a number > 0, got \"abc\""] },
        { "threshold zero", Valid(("msgBacklogThreshold", "0")), ["msgBacklogThreshold must be a number > 0, got \"0\""] },
        { "threshold NaN", Valid(("msgBacklogThreshold", "NaN")), ["msgBacklogThreshold must be a number > 0, got \"NaN\""] },
        { "threshold with comma decimal", Valid(("msgBacklogThreshold", "2,5")), ["msgBacklogThreshold must be a number > 0, got \"2,5\""] },
        { "activation negative", Valid(("activationMsgBacklogThreshold", "-1")), ["activationMsgBacklogThreshold must be a number >= 0, got \"-1\""] },
        { "rate activation negative", Valid(("activationMsgRateThreshold", "-0.5")), ["activationMsgRateThreshold must be a number >= 0, got \"-0.5\""] },
        { "partitioned not a bool", Valid(("isPartitionedTopic", "yes")), ["isPartitionedTopic must be true or false, got \"yes\""] },
        { "unknown mode", Valid(("scalingMode", "cpu")), ["scalingMode must be backlog or capacity, got \"cpu\""] },
        { "drain zero", Valid(("targetDrainSeconds", "0")), ["targetDrainSeconds must be a number >= 0.001 and <= 86400, got \"0\""] },
        { "rate per replica zero", Valid(("msgRatePerReplica", "0")), ["msgRatePerReplica must be a number > 0, got \"0\""] },
        { "max drain zero", Valid(("maxDrainSeconds", "0")), ["maxDrainSeconds must be a number >= 0.001 and <= 86400, got \"0\""] },
        { "max drain below the default drain time", Valid(("maxDrainSeconds", "30")), ["maxDrainSeconds must be at least targetDrainSeconds (60, the default), got \"30\""] },
        { "max drain below the given drain time", Valid(("targetDrainSeconds", "120"), ("maxDrainSeconds", "90")), ["maxDrainSeconds must be at least targetDrainSeconds (120), got \"90\""] },
        { "max drain below a drain time given through FromEnv", Valid(("targetDrainSecondsFromEnv", "120"), ("maxDrainSecondsFromEnv", "90")), ["maxDrainSeconds must be at least targetDrainSeconds (120), got \"90\""] },
        { "max drain with a bad drain time reports the bad value only", Valid(("targetDrainSeconds", "x"), ("maxDrainSeconds", "90")), ["targetDrainSeconds must be a number >= 0.001 and <= 86400, got \"x\""] },
        { "drain time beyond a day", Valid(("targetDrainSeconds", "1e308")), ["targetDrainSeconds must be a number >= 0.001 and <= 86400, got \"1e308\""] },
        { "drain time denormal", Valid(("targetDrainSeconds", "1e-320")), ["targetDrainSeconds must be a number >= 0.001 and <= 86400, got \"1e-320\""] },
        { "startup negative", Valid(("replicaStartupSeconds", "-5")), ["replicaStartupSeconds must be a number >= 0 and <= 86400, got \"-5\""] },
        { "catch-up ratio zero", Valid(("catchUpRatio", "0")), ["catchUpRatio must be a number > 0 and <= 100, got \"0\""] },
        { "catch-up ratio huge", Valid(("catchUpRatio", "1000")), ["catchUpRatio must be a number > 0 and <= 100, got \"1000\""] },
        { "typo of a key", Valid(("msgBacklogTreshold", "5")), ["unknown parameter \"msgBacklogTreshold\": did you mean \"msgBacklogThreshold\"?"] },
        { "case slip in a key", Valid(("MsgBacklogThreshold", "5")), ["unknown parameter \"MsgBacklogThreshold\": did you mean \"msgBacklogThreshold\"?"] },
        { "typo of a FromEnv alias", Valid(("subscriptionFromEnvv", "s")), ["unknown parameter \"subscriptionFromEnvv\": did you mean \"subscriptionFromEnv\"?"] },
        {
            "typo of topic comes before what it causes",
            Valid(("topic", null), ("topc", "public/default/orders")),
            ["unknown parameter \"topc\": did you mean \"topic\"?", "exactly one of topic, topics or topicPattern must be set, got none"]
        },
        {
            "several errors at once",
            Valid(("adminURL", null), ("subscription", null), ("msgBacklogThreshold", "abc"), ("scalingMode", "x"), ("topics", "a/b/c")),
            [
                "msgBacklogThreshold must be a number > 0, got \"abc\"",
                "scalingMode must be backlog or capacity, got \"x\"",
                "missing required parameter \"subscription\"",
                "missing required parameter \"adminURL\" (or \"pulsarCluster\" or \"function\")",
                "exactly one of topic, topics or topicPattern must be set, got topic and topics",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Parse_InvalidMetadata_ReportsEveryErrorExactly(string name, Dictionary<string, string> metadata, string[] expected)
    {
        var result = TriggerMetadata.Parse(metadata);

        Assert.False(result.Succeeded, name);
        Assert.Null(result.Target);
        Assert.Equal(expected, result.Errors);
        Assert.Equal("invalid trigger metadata: " + string.Join("; ", expected), result.ErrorMessage);
    }

    [Theory]
    [InlineData("public/default/orders-(")]
    [InlineData("public/default/(?<=a)b")]
    public void Parse_InvalidOrUnsupportedPattern_NamesTheKeyAndValue(string pattern)
    {
        var result = TriggerMetadata.Parse(Valid(("topic", null), ("topicPattern", pattern)));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("topicPattern is not a valid regular expression (", error, StringComparison.Ordinal);
        Assert.EndsWith($"), got \"{pattern}\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HostilePattern_MatchesInLinearTime()
    {
        var pattern = (TopicPattern)TriggerMetadata.Parse(Valid(("topic", null), ("topicPattern", "public/default/(a+)+b"))).Target!.Topics;

        // Catastrophic for a backtracking engine; the non-backtracking one answers at once and never times out.
        Assert.False(pattern.Matches(new TopicName("public", "default", new string('a', 5000) + "c")));
    }

    [Fact]
    public void Parse_MinimalKedaPulsarMetadata_AppliesKedaDefaults()
    {
        var target = TriggerMetadata.Parse(Valid()).Target!;

        Assert.Equal(new Uri("http://pulsar-broker.pulsar:8080"), target.AdminUrl);
        Assert.Null(target.ClusterName);
        Assert.Equal([new TopicName("public", "default", "orders-in")], Assert.IsType<TopicList>(target.Topics).Topics);
        Assert.Equal("public/default/order-enricher", target.Subscription);
        Assert.Equal(10, target.MsgBacklogThreshold);
        Assert.Equal(0, target.ActivationMsgBacklogThreshold);
        Assert.Null(target.ActivationMsgRateThreshold);
        Assert.Null(target.IsPartitionedTopic);
        Assert.Equal(ScalingMode.Backlog, target.Mode);
        Assert.Equal(60, target.TargetDrainSeconds);
        Assert.Equal(300, target.MaxDrainSeconds);
        Assert.Equal(0, target.ReplicaStartupSeconds);
        Assert.Equal(0.5, target.CatchUpRatio);
        Assert.Equal(0.5, MetadataDefaults.CatchUpRatio);
        Assert.Null(target.MsgRatePerReplica);
        Assert.Equal(10, target.MetricTarget);
    }

    [Theory]
    [InlineData("backlog", null, null)]
    [InlineData("capacity", null, 0.0)]
    [InlineData("capacity", "2.5", 2.5)]
    [InlineData("backlog", "0", 0.0)]
    public void Parse_ActivationMsgRateThreshold_CapacityModeFollowsInflowByDefault(string mode, string? given, double? expected)
    {
        var target = TriggerMetadata.Parse(Valid(("scalingMode", mode), ("activationMsgRateThreshold", given))).Target!;

        Assert.Equal(expected, target.ActivationMsgRateThreshold);
    }

    [Fact]
    public void Parse_EveryKeySet_ReadsEveryValueInvariantly()
    {
        var target = TriggerMetadata.Parse(new Dictionary<string, string>
        {
            ["adminURL"] = "HTTPS://Broker.Example:443/",
            ["pulsarCluster"] = "prod",
            ["topics"] = "public/default/a, persistent://public/default/b,public/default/a",
            ["subscription"] = " sub ",
            ["msgBacklogThreshold"] = "2.5",
            ["activationMsgBacklogThreshold"] = "1e2",
            ["activationMsgRateThreshold"] = "0.5",
            ["isPartitionedTopic"] = "TRUE",
            ["scalingMode"] = "Capacity",
            ["targetDrainSeconds"] = "30",
            ["maxDrainSeconds"] = "600",
            ["replicaStartupSeconds"] = "25",
            ["catchUpRatio"] = "1",
            ["msgRatePerReplica"] = "125",
        }).Target!;

        Assert.Equal("https://broker.example/", target.AdminUrl!.ToString());
        Assert.Equal("prod", target.ClusterName);
        Assert.Equal(
            [new TopicName("public", "default", "a"), new TopicName("public", "default", "b")],
            Assert.IsType<TopicList>(target.Topics).Topics);
        Assert.Equal("sub", target.Subscription);
        Assert.Equal(2.5, target.MsgBacklogThreshold);
        Assert.Equal(100, target.ActivationMsgBacklogThreshold);
        Assert.Equal(0.5, target.ActivationMsgRateThreshold);
        Assert.True(target.IsPartitionedTopic);
        Assert.Equal(ScalingMode.Capacity, target.Mode);
        Assert.Equal(30, target.TargetDrainSeconds);
        Assert.Equal(600, target.MaxDrainSeconds);
        Assert.Equal(25, target.ReplicaStartupSeconds);
        Assert.Equal(1, target.CatchUpRatio);
        Assert.Equal(125, target.MsgRatePerReplica);
        Assert.Equal(1, target.MetricTarget);
    }

    [Fact]
    public void Parse_PulsarClusterWithoutAdminUrl_Succeeds()
    {
        var target = TriggerMetadata.Parse(Valid(("adminURL", null), ("pulsarCluster", "prod"))).Target!;

        Assert.Null(target.AdminUrl);
        Assert.Equal("prod", target.ClusterName);
    }

    [Fact]
    public void Parse_TopicPattern_AnchorsTheExpressionOnTheLocalName()
    {
        var target = TriggerMetadata.Parse(Valid(("topic", null), ("topicPattern", "persistent://public/default/orders-.*"))).Target!;
        var pattern = Assert.IsType<TopicPattern>(target.Topics);

        Assert.Equal(("public", "default"), (pattern.Tenant, pattern.Namespace));
        Assert.True(pattern.Matches(new TopicName("public", "default", "orders-eu")));
        Assert.False(pattern.Matches(new TopicName("public", "default", "old-orders-eu")));
        Assert.False(pattern.Matches(new TopicName("public", "other", "orders-eu")));
    }

    [Fact]
    public void Parse_FromEnvAliases_AreAcceptedAndPlainKeysWin()
    {
        var target = TriggerMetadata.Parse(new Dictionary<string, string>
        {
            ["adminURLFromEnv"] = "http://from-env:8080",
            ["topicFromEnv"] = "public/default/env-topic",
            ["topic"] = "public/default/plain-topic",
            ["subscriptionFromEnv"] = "env-sub",
        }).Target!;

        Assert.Equal(new Uri("http://from-env:8080"), target.AdminUrl);
        Assert.Equal("plain-topic", Assert.IsType<TopicList>(target.Topics).Topics[0].LocalName);
        Assert.Equal("env-sub", target.Subscription);
    }

    [Fact]
    public void Parse_KedaAndUnknownKeys_AreReportedNotFatal()
    {
        var result = TriggerMetadata.Parse(Valid(
            ("scalerAddress", "meshscaler.meshscaler:9090"),
            ("enableTLS", "false"),
            ("unsafeSsl", "true"),
            ("authModes", "bearer"),
            ("msgBacklog", "5"),
            ("colour", "blue")));

        Assert.True(result.Succeeded);
        Assert.Equal(["colour", "msgBacklog"], result.UnknownKeys);
        Assert.Equal(["authModes", "enableTLS", "scalerAddress", "unsafeSsl"], result.IgnoredKeys);
    }

    [Fact]
    public void Parameters_Table_ListsEveryKeyOnce()
    {
        var names = TriggerMetadata.Parameters.Select(p => p.Name).ToList();

        Assert.Equal(names.Distinct().Count(), names.Count);
        Assert.Equal(
            ["adminURL", "pulsarCluster", "topic", "topics", "topicPattern", "subscription", "msgBacklogThreshold", "activationMsgBacklogThreshold",
             "activationMsgRateThreshold", "isPartitionedTopic", "scalingMode", "targetDrainSeconds", "replicaStartupSeconds",
             "catchUpRatio", "maxDrainSeconds", "msgRatePerReplica", "function", "functionKind", "runnerMetrics"],
            names);
    }

    [Fact]
    public void Key_SameQuestionDifferentKeyOrder_IsEqual()
    {
        var a = TriggerMetadata.Parse(Valid(("msgBacklogThreshold", "5"))).Target!;
        var b = TriggerMetadata.Parse(new Dictionary<string, string>(Valid(("msgBacklogThreshold", "5.0")).Reverse())).Target!;
        var c = TriggerMetadata.Parse(Valid(("msgBacklogThreshold", "6"))).Target!;

        Assert.Equal(a.Key, b.Key);
        Assert.NotEqual(a.Key, c.Key);
        Assert.Equal(a.SourceKey, c.SourceKey);
    }

    [Fact]
    public void Key_WithCopy_IsRecomputedForTheChangedQuestion()
    {
        var original = TriggerMetadata.Parse(Valid(("msgBacklogThreshold", "5"))).Target!;
        _ = original.Key;
        _ = original.SourceKey;

        var copy = original with { MsgBacklogThreshold = 6, Subscription = "other" };

        Assert.NotEqual(original.Key, copy.Key);
        Assert.NotEqual(original.SourceKey, copy.SourceKey);
        Assert.Equal(TriggerMetadata.Parse(Valid(("msgBacklogThreshold", "6"), ("subscription", "other"))).Target!.Key, copy.Key);
        Assert.Equal(original.MetricName, copy.MetricName);
        Assert.Equal(TriggerMetadata.Parse(Valid(("msgBacklogThreshold", "5"))).Target!, original);
        Assert.NotEqual(original, copy);
    }

    [Fact]
    public void MaxDrainSeconds_NotGiven_FollowsTargetDrainSecondsWhenLonger()
    {
        var target = new ScaleTarget { Topics = new TopicList([new TopicName("t", "n", "a")]), Subscription = "s", MetricName = "m", TargetDrainSeconds = 600 };

        Assert.Equal(600, target.MaxDrainSeconds);
        Assert.Equal(300, (target with { TargetDrainSeconds = 60 }).MaxDrainSeconds);
    }

    [Fact]
    public void WithCopy_CopiesEveryProperty()
    {
        // ScaleTarget's copy constructor is hand-written (it must not copy cached keys): a property added later and
        // forgotten there would silently reset on every `with`.
        var target = TriggerMetadata.Parse(new Dictionary<string, string>
        {
            ["adminURL"] = "http://b:8080", ["pulsarCluster"] = "prod", ["topics"] = "t/n/a,t/n/b", ["subscription"] = "s",
            ["msgBacklogThreshold"] = "3", ["activationMsgBacklogThreshold"] = "4", ["activationMsgRateThreshold"] = "5",
            ["isPartitionedTopic"] = "true", ["scalingMode"] = "capacity", ["targetDrainSeconds"] = "6", ["msgRatePerReplica"] = "7",
            ["replicaStartupSeconds"] = "8", ["catchUpRatio"] = "0.9", ["maxDrainSeconds"] = "400",
            ["function"] = "f", ["functionKind"] = "Sink", ["runnerMetrics"] = "true",
        }).Function!.Resolve(new FunctionFacts(new FunctionRef(ComponentKind.Sink, "ns", "f"), "t/n/f", null, "x", null));
        var defaults = new ScaleTarget { Topics = target.Topics, Subscription = target.Subscription, MetricName = target.MetricName };

        var copy = target with { };

        foreach (var property in typeof(ScaleTarget).GetProperties().Where(p => p.CanWrite))
        {
            Assert.Equal(property.GetValue(target), property.GetValue(copy));

            // Every copied property differs from its default here, so a forgotten one would show.
            if (property.Name is not (nameof(ScaleTarget.Topics) or nameof(ScaleTarget.Subscription) or nameof(ScaleTarget.MetricName)))
            {
                Assert.NotEqual(property.GetValue(defaults), property.GetValue(target));
            }
        }
    }
}
