using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class TopicNameTests
{
    [Theory]
    [InlineData("persistent://public/default/orders", "public", "default", "orders")]
    [InlineData("public/default/orders", "public", "default", "orders")]
    [InlineData(" public/default/orders-partition-3 ", "public", "default", "orders-partition-3")]
    public void TryParse_ValidForms_Parse(string text, string tenant, string ns, string local)
    {
        Assert.True(TopicName.TryParse(text, out var topic, out _));
        Assert.Equal(new TopicName(tenant, ns, local), topic);
        Assert.Equal($"persistent://{tenant}/{ns}/{local}", topic.FullName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("orders")]
    [InlineData("public/default")]
    [InlineData("public/default/orders/extra")]
    [InlineData("public//orders")]
    [InlineData("public/default/or ders")]
    [InlineData("non-persistent://public/default/orders")]
    public void TryParse_InvalidForms_Fail(string text)
    {
        Assert.False(TopicName.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void AdminPath_EscapesEachSegment()
    {
        Assert.Equal("persistent/my%20t/ns/a%2Fb", new TopicName("my t", "ns", "a/b").AdminPath);
        Assert.Equal("orders-partition-2", new TopicName("t", "ns", "orders").Partition(2).LocalName);
    }

    public static TheoryData<string, bool, string, int> PartitionNames => new()
    {
        // local name, is a partition, parent local name, index
        { "orders-partition-2", true, "orders", 2 },
        { "a-partition-1-partition-10", true, "a-partition-1", 10 },
        { "orders", false, "orders", 0 },
        { "orders-partition-", false, "orders-partition-", 0 },
        { "orders-partition--1", false, "orders-partition--1", 0 },
        { "-partition-3", false, "-partition-3", 0 },
    };

    [Theory]
    [MemberData(nameof(PartitionNames))]
    public void TryGetPartition_ReversesPartition(string local, bool isPartition, string parent, int index)
    {
        var topic = new TopicName("t", "ns", local);

        Assert.Equal(isPartition, topic.TryGetPartition(out var name, out var number));
        Assert.Equal(parent, name.LocalName);
        Assert.Equal(index, number);
        if (isPartition)
        {
            Assert.Equal(topic, name.Partition(number));
        }
    }
}
