using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class EditDistanceTests
{
    [Theory]
    [InlineData("topic", "topic", 0)]
    [InlineData("topc", "topic", 1)]
    [InlineData("topics", "topic", 1)]
    [InlineData("msgBacklogTreshold", "msgBacklogThreshold", 1)]
    [InlineData("MsgBacklogThreshold", "msgBacklogThreshold", 1)]
    [InlineData("tpoic", "topic", 1)]
    [InlineData("subscirption", "subscription", 1)]
    [InlineData("colour", "topic", 5)]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "", 3)]
    public void Between_CountsInsertionsDeletionsSubstitutionsAndSwaps(string a, string b, int expected)
    {
        Assert.Equal(expected, EditDistance.Between(a, b));
        Assert.Equal(expected, EditDistance.Between(b, a));
    }
}
