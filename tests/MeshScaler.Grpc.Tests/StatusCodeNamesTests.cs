using MeshScaler.Grpc;

namespace MeshScaler.Grpc.Tests;

public sealed class StatusCodeNamesTests
{
    [Fact]
    public void ToCanonicalName_EveryStatus_HasItsSpecName()
    {
        // The spec's names are the enum's names in upper snake case (OK stays OK); every one of the 17 codes is named.
        foreach (var status in Enum.GetValues<StatusCode>().Where(s => s != StatusCode.OK))
        {
            var expected = string.Concat(status.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();

            Assert.Equal(expected, status.ToCanonicalName());
        }

        Assert.Equal("OK", StatusCode.OK.ToCanonicalName());
        Assert.Equal(17, Enum.GetValues<StatusCode>().Length);
    }
}
