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
}
