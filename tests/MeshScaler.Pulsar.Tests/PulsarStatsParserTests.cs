using MeshScaler.Core;

namespace MeshScaler.Pulsar.Tests;

public sealed class PulsarStatsParserTests
{
    private const string Context = "cluster 'prod': invalid stats for persistent://t/ns/x";

    public static TheoryData<string, double, string, long, double, int, double, string?, long?, long?> GoldenStats => new()
    {
        { "stats-4.0-two-consumers.json", 412.3500051875, "public/default/order-enricher", 1526, 380.0166692, 2, 4, "Shared", 96153, 89860 },
        { "stats-3.x-isdurable-durable.json", 10.0, "my-sub", 8, 7, 1, 1, "Exclusive", 2048, 2040 },
        { "stats-2.x-chucked.json", 0.0, "public/default/legacy-fn", 104, 3.25, 1, 2.5, "Shared", 0, null },
        { "stats-sentinels.json", 1.5, "s", 0, 0, 1, 1, null, null, null },
    };

    [Theory]
    [MemberData(nameof(GoldenStats))]
    public void ParseTopicStats_GoldenPayload_ExactValues(
        string file, double msgRateIn, string subscription, long backlog, double msgRateOut, int consumers, double avgPerEntry, string? type,
        long? msgInCounter, long? msgOutCounter)
    {
        var stats = TopicStatsAggregator.FromTopic(PulsarStatsParser.ParseTopicStats(TestSupport.Payload(file), Context));

        Assert.Equal(msgRateIn, stats.MsgRateIn);
        Assert.Equal(msgInCounter, stats.MsgInCounter);
        Assert.Equal(0, stats.Partitions);
        var sub = Assert.Single(stats.Subscriptions);
        Assert.Equal(subscription, sub.Key);
        Assert.Equal(new SubscriptionStats(backlog, msgRateOut, consumers, avgPerEntry, type, msgOutCounter), sub.Value);
    }

    [Fact]
    public void ParseTopicStats_WithoutTheSubscription_OnlyOthersListed()
    {
        var stats = TopicStatsAggregator.FromTopic(
            PulsarStatsParser.ParseTopicStats(TestSupport.Payload("stats-without-subscription.json"), Context));

        Assert.Equal(412.35, stats.MsgRateIn);
        Assert.False(stats.Subscriptions.ContainsKey("public/default/order-enricher"));
        Assert.Equal(new SubscriptionStats(77, 0, 0, 1, null), stats.Subscriptions["someone-else"]);
    }

    [Fact]
    public void ParseTopicStats_NullSubscriptionsObject_UnavailableNotEmpty()
    {
        // Pulsar writes {} when a topic has no subscription; null means the answer is not a broker's stats.
        var ex = Assert.Throws<ScalingException>(() =>
            PulsarStatsParser.ParseTopicStats(TestSupport.Payload("stats-no-subscriptions-object.json"), Context));

        Assert.Equal(ScalingErrorKind.Unavailable, ex.Kind);
        Assert.Equal($"{Context}: 'subscriptions' is missing", ex.Message);
    }

    [Fact]
    public void ParseTopicStats_EmptySubscriptionsObject_NoSubscriptions()
    {
        var stats = PulsarStatsParser.ParseTopicStats("{\"msgRateIn\":2,\"subscriptions\":{}}"u8.ToArray(), Context);

        Assert.Equal(2, stats.MsgRateIn);
        Assert.Empty(stats.Subscriptions);
    }

    [Fact]
    public void ParsePartitionedStats_PartitionWithoutSubscriptions_UnavailableNamingThePartition()
    {
        var ex = Assert.Throws<ScalingException>(() => PulsarStatsParser.ParsePartitionedStats(
            "{\"msgRateIn\":1,\"subscriptions\":{},\"partitions\":{\"persistent://t/ns/x-partition-0\":{\"msgRateIn\":1}}}"u8.ToArray(), Context));

        Assert.Equal($"{Context}: partition 'persistent://t/ns/x-partition-0': 'subscriptions' is missing", ex.Message);
    }

    public static TheoryData<string, string, DateTimeOffset?> EarliestCases => new()
    {
        { "a time (getEarliestTimeInBacklog=true)", "1747214500000", DateTimeOffset.FromUnixTimeMilliseconds(1747214500000) },
        { "0: not asked for, or a broker before 2.11", "0", null },
        { "-1: no backlog", "-1", null },
        { "not a number", "\"soon\"", null },
    };

    [Theory]
    [MemberData(nameof(EarliestCases))]
    public void ParseTopicStats_EarliestMsgPublishTimeInBacklog_OnlyATimeIsATime(string name, string value, DateTimeOffset? expected)
    {
        var json = """{"msgRateIn":1,"subscriptions":{"s":{"msgRateOut":0,"msgBacklog":5,"earliestMsgPublishTimeInBacklog":""" + value + "}}}";

        var stats = TopicStatsAggregator.FromTopic(PulsarStatsParser.ParseTopicStats(System.Text.Encoding.UTF8.GetBytes(json), Context));

        Assert.True(expected == stats.Subscriptions["s"].EarliestPublishTimeInBacklog, name);
    }

    [Fact]
    public void FromPartitioned_EarliestInBacklog_TheEarliestOfThePartitions_UnknownWhenOneWithABacklogDidNotSay()
    {
        static byte[] Payload(string first, string second) => System.Text.Encoding.UTF8.GetBytes(
            """{"msgRateIn":2,"subscriptions":{"s":{"msgRateOut":0,"msgBacklog":8,"earliestMsgPublishTimeInBacklog":0}},"metadata":{"partitions":2},"partitions":{"""
            + "\"persistent://t/ns/x-partition-0\":{\"msgRateIn\":1,\"subscriptions\":{\"s\":{\"msgRateOut\":0,\"msgBacklog\":5,\"earliestMsgPublishTimeInBacklog\":" + first + "}}},"
            + "\"persistent://t/ns/x-partition-1\":{\"msgRateIn\":1,\"subscriptions\":{\"s\":{\"msgRateOut\":0,\"msgBacklog\":3,\"earliestMsgPublishTimeInBacklog\":" + second + "}}}}}");

        var known = PulsarStatsParser.ParsePartitionedStats(Payload("2000", "1000"), Context);
        var unknown = PulsarStatsParser.ParsePartitionedStats(Payload("2000", "0"), Context);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1000), TopicStatsAggregator.FromPartitioned(known, 2, []).Subscriptions["s"].EarliestPublishTimeInBacklog);
        Assert.Null(TopicStatsAggregator.FromPartitioned(unknown, 2, []).Subscriptions["s"].EarliestPublishTimeInBacklog);
    }

    [Fact]
    public void FromPartitioned_TwoPartitions_SumsAndLargestPerPartitionConsumerCount()
    {
        var parsed = PulsarStatsParser.ParsePartitionedStats(TestSupport.Payload("partitioned-2.json"), Context);

        var stats = TopicStatsAggregator.FromPartitioned(parsed, parsed.MetadataPartitions!.Value, []);

        Assert.Equal(2, parsed.Partitions.Count);
        Assert.Equal(259.0333359, stats.MsgRateIn);
        Assert.Equal(2, stats.Partitions);
        var sub = Assert.Single(stats.Subscriptions);
        Assert.Equal("public/default/payment-scorer", sub.Key);

        // Backlog 8102 = 4210 + 3892; merged consumers report avgMessagesPerEntry 0, the named ones at most 2.
        Assert.Equal(new SubscriptionStats(8102, 244.6166699, 2, 2, "Shared", 77106), sub.Value);
        Assert.Equal(77990, stats.MsgInCounter);
    }

    [Fact]
    public void FromPartitioned_MissingPartitionAddedWithCounters_CountersSumOverEveryPartition()
    {
        var parsed = PulsarStatsParser.ParsePartitionedStats(TestSupport.Payload("partitioned-2.json"), Context);
        var partition0 = parsed.Partitions["persistent://public/default/payments-partition-0"];
        var withoutPartition0 = parsed with
        {
            Aggregate = parsed.Aggregate with
            {
                MsgInCounter = 38870,
                Subscriptions = new Dictionary<string, ParsedSubscription>
                {
                    ["public/default/payment-scorer"] = parsed.Aggregate.Subscriptions["public/default/payment-scorer"] with { MsgOutCounter = 38456 },
                },
            },
        };

        var stats = TopicStatsAggregator.FromPartitioned(withoutPartition0, 2, [partition0]);

        Assert.Equal(38870 + 39120, stats.MsgInCounter);
        Assert.Equal(38456 + 38650, stats.Subscriptions["public/default/payment-scorer"].MsgOutCounter);
    }

    [Fact]
    public void FromPartitioned_AddedPartitionWithoutCounters_CountersUnknownNotSmaller()
    {
        var parsed = PulsarStatsParser.ParsePartitionedStats(TestSupport.Payload("partitioned-2.json"), Context);
        var bare = new ParsedTopicStats(5, new Dictionary<string, ParsedSubscription> { ["public/default/payment-scorer"] = new(1, 1, 1, 1, "Shared") });

        var stats = TopicStatsAggregator.FromPartitioned(parsed, 3, [bare]);

        Assert.Null(stats.MsgInCounter);
        Assert.Null(stats.Subscriptions["public/default/payment-scorer"].MsgOutCounter);
    }

    public static TheoryData<string, string> UnusableCounters => new()
    {
        { "null", "null" },
        { "negative", "-5" },
        { "fractional", "1.5" },
        { "string", "\"12\"" },
    };

    [Theory]
    [MemberData(nameof(UnusableCounters))]
    public void ParseTopicStats_UnusableCounter_ReadsAsUnknown(string name, string value)
    {
        var body = $"{{\"msgRateIn\":1,\"msgInCounter\":{value},\"subscriptions\":{{\"s\":{{\"msgRateOut\":1,\"msgBacklog\":0,\"msgOutCounter\":{value}}}}}}}";

        var stats = PulsarStatsParser.ParseTopicStats(System.Text.Encoding.UTF8.GetBytes(body), Context);

        Assert.True(stats.MsgInCounter is null, name);
        Assert.Null(stats.Subscriptions["s"].MsgOutCounter);
        Assert.Equal(1, stats.MsgRateIn);
    }

    [Fact]
    public void FromPartitioned_MissingPartitionAdded_SumsIncludeIt()
    {
        var parsed = PulsarStatsParser.ParsePartitionedStats(TestSupport.Payload("partitioned-missing-partition.json"), Context);
        var partition1 = PulsarStatsParser.ParseTopicStats(TestSupport.Payload("partition-1-stats.json"), Context);

        var stats = TopicStatsAggregator.FromPartitioned(parsed, parsed.MetadataPartitions!.Value, [partition1]);

        Assert.Equal(3, parsed.MetadataPartitions);
        Assert.Equal(["persistent://public/default/events-partition-0", "persistent://public/default/events-partition-2"], parsed.Partitions.Keys.Order());
        Assert.Equal(255.5, stats.MsgRateIn);
        Assert.Equal(3, stats.Partitions);

        // Type missing from the aggregate (older brokers) is taken from a partition.
        Assert.Equal(new SubscriptionStats(1023, 190, 2, 7, "Failover"), stats.Subscriptions["public/default/scorer"]);
    }

    public static TheoryData<string, string, string> InvalidPayloads => new()
    {
        { "not json", "this is not json", $"{Context}: not valid JSON" },
        { "empty body", string.Empty, $"{Context}: the response body is empty" },
        { "array root", "[1,2]", $"{Context}: expected a JSON object, found an array" },
        { "subscriptions array", "{\"msgRateIn\":1,\"subscriptions\":[]}", $"{Context}: 'subscriptions' must be an object" },
        { "subscriptions missing", "{\"msgRateIn\":1}", $"{Context}: 'subscriptions' is missing" },
        { "subscriptions null", "{\"msgRateIn\":1,\"subscriptions\":null}", $"{Context}: 'subscriptions' is missing" },
        { "msgRateIn missing", "{\"subscriptions\":{}}", $"{Context}: 'msgRateIn' is missing" },
        { "msgRateIn null", "{\"msgRateIn\":null}", $"{Context}: 'msgRateIn' is missing" },
        { "msgRateIn string", "{\"msgRateIn\":\"12\"}", $"{Context}: 'msgRateIn' must be a number, found a string" },
        { "backlog missing", "{\"msgRateIn\":1,\"subscriptions\":{\"a/b\":{\"msgRateOut\":1}}}", $"{Context}: subscription 'a/b': 'msgBacklog' is missing" },
        { "backlog negative", "{\"msgRateIn\":1,\"subscriptions\":{\"s\":{\"msgRateOut\":1,\"msgBacklog\":-1}}}", $"{Context}: subscription 's': 'msgBacklog' must not be negative (was -1)" },
        { "consumers object", "{\"msgRateIn\":1,\"subscriptions\":{\"s\":{\"msgRateOut\":1,\"msgBacklog\":1,\"consumers\":{}}}}", $"{Context}: subscription 's': 'consumers' must be an array" },
        { "subscription string", "{\"msgRateIn\":1,\"subscriptions\":{\"s\":\"x\"}}", $"{Context}: subscription 's': expected a JSON object, found a string" },
    };

    [Theory]
    [MemberData(nameof(InvalidPayloads))]
    public void ParseTopicStats_WrongShape_UnavailableNamingTheProblem(string name, string body, string expectedStart)
    {
        var ex = Assert.Throws<ScalingException>(() => PulsarStatsParser.ParseTopicStats(System.Text.Encoding.UTF8.GetBytes(body), Context));

        Assert.True(ex.Message.StartsWith(expectedStart, StringComparison.Ordinal), $"{name}: {ex.Message}");
        Assert.Equal(ScalingErrorKind.Unavailable, ex.Kind);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public void ParseTopicStats_BacklogAsWholeDouble_Accepted()
    {
        var stats = PulsarStatsParser.ParseTopicStats(
            "{\"msgRateIn\":1,\"subscriptions\":{\"s\":{\"msgRateOut\":2,\"msgBacklog\":1526.0,\"type\":null,\"consumers\":null}}}"u8.ToArray(), Context);

        Assert.Equal(new ParsedSubscription(1526, 2, 0, 0, null), stats.Subscriptions["s"]);
    }

    [Fact]
    public void ParsePartitionedStats_PartitionsNotAnObject_Unavailable()
    {
        var ex = Assert.Throws<ScalingException>(() => PulsarStatsParser.ParsePartitionedStats(
            "{\"msgRateIn\":1,\"subscriptions\":{},\"metadata\":{\"partitions\":2},\"partitions\":[]}"u8.ToArray(), Context));

        Assert.Equal($"{Context}: 'partitions' must be an object", ex.Message);
    }

    [Theory]
    [InlineData("{\"partitions\":3}", 3)]
    [InlineData("{\"partitions\":0,\"properties\":null}", 0)]
    public void ParsePartitionCount_Valid_Count(string body, int expected) =>
        Assert.Equal(expected, PulsarStatsParser.ParsePartitionCount(System.Text.Encoding.UTF8.GetBytes(body), Context));

    [Theory]
    [InlineData("{}", "'partitions' is missing")]
    [InlineData("{\"partitions\":-1}", "'partitions' must not be negative (was -1)")]
    [InlineData("{\"partitions\":\"2\"}", "'partitions' must be a whole number, found a string")]
    public void ParsePartitionCount_Invalid_Unavailable(string body, string problem)
    {
        var ex = Assert.Throws<ScalingException>(() => PulsarStatsParser.ParsePartitionCount(System.Text.Encoding.UTF8.GetBytes(body), Context));

        Assert.Equal($"{Context}: {problem}", ex.Message);
    }
}
