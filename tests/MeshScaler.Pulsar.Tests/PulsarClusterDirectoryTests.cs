using MeshScaler.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MeshScaler.Pulsar.Tests;

public sealed class PulsarClusterDirectoryTests
{
    private const string Configured = "configured clusters: east, west";

    public static TheoryData<string, bool, string?, string?, string, string> Cases => new()
    {
        // name, clusters configured, adminURL, pulsarCluster, expected cluster name (or "!" + error), expected admin URL
        { "by name", true, null, "east", "east", "http://east-broker:8080/" },
        { "by name, case-insensitive", true, null, "WEST", "west", "https://west.example.com/pulsar" },
        { "by url, default port and case", true, "HTTP://East-Broker:8080/", null, "east", "http://east-broker:8080/" },
        { "by url, https default port made explicit", true, "https://west.example.com:443/pulsar/", null, "west", "https://west.example.com/pulsar" },
        { "both agreeing", true, "http://east-broker:8080", "east", "east", "http://east-broker:8080/" },
        { "unknown name", true, null, "north", $"!pulsarCluster 'north' is not configured; {Configured}", string.Empty },
        { "unknown url", true, "http://evil:8080", null, $"!adminURL \"http://evil:8080\" is not a configured cluster; name one with pulsarCluster or use a configured adminURL; {Configured}", string.Empty },
        { "path differs", true, "http://east-broker:8080/other", null, $"!adminURL \"http://east-broker:8080/other\" is not a configured cluster; name one with pulsarCluster or use a configured adminURL; {Configured}", string.Empty },
        { "both disagreeing", true, "http://east-broker:8080", "west", "!adminURL \"http://east-broker:8080\" does not match pulsarCluster 'west' (its adminURL is \"https://west.example.com/pulsar\"); give one of them, or both agreeing", string.Empty },
        { "neither", true, null, null, $"!pulsarCluster or adminURL is required; {Configured}", string.Empty },
        { "unconfigured, any url", false, "http://Broker.Pulsar:8080/", null, "http://broker.pulsar:8080", "http://broker.pulsar:8080/" },
        { "unconfigured, userinfo dropped", false, "http://user:secret@broker:8080", null, "http://broker:8080", "http://broker:8080/" },
        { "unconfigured, name given", false, null, "east", "!pulsarCluster 'east' is not configured; no Pulsar clusters are configured, use adminURL", string.Empty },
        { "unconfigured, ftp", false, "ftp://broker", null, "!adminURL \"ftp://broker\" must be an absolute http or https URL", string.Empty },
        { "unconfigured, nothing", false, null, null, "!adminURL is required (no Pulsar clusters are configured to select with pulsarCluster)", string.Empty },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resolve_Case_Expected(string name, bool configured, string? adminUrl, string? clusterName, string expected, string expectedUrl)
    {
        var directory = Directory(configured);

        if (expected.StartsWith('!'))
        {
            var ex = Assert.Throws<ScalingException>(() => directory.Resolve(adminUrl is null ? null : new Uri(adminUrl), clusterName));
            Assert.True(ex.Kind == ScalingErrorKind.InvalidArgument, name);
            Assert.Equal(expected[1..], ex.Message);
            Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
        }
        else
        {
            var cluster = directory.Resolve(adminUrl is null ? null : new Uri(adminUrl), clusterName);
            Assert.Equal(expected, cluster.Name);
            Assert.Equal(expectedUrl, cluster.AdminUrl.AbsoluteUri);
        }
    }

    [Fact]
    public void HasConfiguredClusters_ReflectsOptions()
    {
        Assert.True(Directory(true).HasConfiguredClusters);
        Assert.False(Directory(false).HasConfiguredClusters);
    }

    private static PulsarClusterDirectory Directory(bool configured)
    {
        var options = new PulsarOptions();
        if (configured)
        {
            options.Clusters["east"] = new PulsarClusterOptions { AdminUrl = "http://east-broker:8080" };
            options.Clusters["west"] = new PulsarClusterOptions { AdminUrl = "https://west.example.com/pulsar/" };
        }

        return new PulsarClusterDirectory(Options.Create(options), NullLogger<PulsarClusterDirectory>.Instance);
    }
}
