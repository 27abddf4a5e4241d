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
    public void For_FunctionSubscriptionWithSlashes_StaysReadableWithoutHash()
    {
        var name = MetricNames.For(new TopicList([new TopicName("acme", "prod", "orders-in")]), "acme/prod/enricher");

        Assert.Equal("pulsar-acme-prod-orders-in-acme-prod-enricher", name);
    }

    [Fact]
    public void For_LossyCharacters_AddAHashSoNamesStayDistinct()
    {
        var dotted = MetricNames.For(new TopicList([new TopicName("acme", "prod", "orders.in")]), "sub");
        var dashed = MetricNames.For(new TopicList([new TopicName("acme", "prod", "orders-in")]), "sub");
        var upper = MetricNames.For(new TopicList([new TopicName("Acme", "prod", "orders-in")]), "sub");

        Assert.Equal("pulsar-acme-prod-orders-in-sub", dashed);
        Assert.StartsWith("pulsar-acme-prod-orders-in-sub-", dotted, StringComparison.Ordinal);
        Assert.Equal(dashed.Length + 9, dotted.Length);
        Assert.NotEqual(dotted, upper);
        Assert.Matches(ValidName(), dotted);
        Assert.Matches(ValidName(), upper);
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
        Assert.NotEqual(name, MetricNames.For(new TopicPattern("public", "default", new System.Text.RegularExpressions.Regex("^(?:orders.+)$")), "s"));
    }
}
