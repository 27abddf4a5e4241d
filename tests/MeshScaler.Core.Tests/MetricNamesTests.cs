using System.Text.RegularExpressions;
using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed partial class MetricNamesTests
{
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex ValidName();

    [Fact]
    public void For_SingleTopic_LooksLikeKedasPulsarName()
    {
        var name = MetricNames.For(new TopicList([new TopicName("public", "default", "my-topic")]), "sub1");

        Assert.Equal("pulsar-public-default-my-topic-sub1", name);
    }

    [Fact]
    public void For_FunctionSubscriptionWithSlashesAndCase_IsLowercaseAndPathSafe()
    {
        var name = MetricNames.For(new TopicList([new TopicName("Acme", "Prod", "Orders.In")]), "Acme/Prod/Enricher");

        Assert.Equal("pulsar-acme-prod-orders-in-acme-prod-enricher", name);
    }

    [Fact]
    public void For_LongNames_AreCutTo63WithAStableHash()
    {
        var topics = new TopicList(Enumerable.Range(0, 5).Select(i => new TopicName("tenant", "namespace", $"a-rather-long-topic-name-{i}")).ToList());
        var other = new TopicList(Enumerable.Range(1, 5).Select(i => new TopicName("tenant", "namespace", $"a-rather-long-topic-name-{i}")).ToList());

        var name = MetricNames.For(topics, "sub");

        Assert.True(name.Length <= 63, name);
        Assert.Matches(ValidName(), name);
        Assert.Equal(name, MetricNames.For(topics, "sub"));
        Assert.NotEqual(name, MetricNames.For(other, "sub"));
    }

    [Fact]
    public void For_Pattern_NamesTheNamespaceAndExpression()
    {
        var pattern = (TopicPattern)TriggerMetadata.Parse(new Dictionary<string, string>
        {
            ["adminURL"] = "http://b:8080", ["topicPattern"] = "public/default/orders-.*", ["subscription"] = "s",
        }).Target!.Topics;

        var name = MetricNames.For(pattern, "s");

        Assert.StartsWith("pulsar-pattern-public-default-orders", name, StringComparison.Ordinal);
        Assert.Matches(ValidName(), name);
    }
}
