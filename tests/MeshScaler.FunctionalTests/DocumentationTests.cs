using System.Reflection;
using MeshScaler.Core;
using MeshScaler.Engine;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Hosting;
using MeshScaler.Pulsar;

namespace MeshScaler.FunctionalTests;

/// <summary>Every key a user can set is documented in the README.</summary>
public sealed class DocumentationTests
{
    private static readonly string Readme = File.ReadAllText(Repository.Path("README.md"));

    [Fact]
    public void Readme_DocumentsEveryTriggerMetadataKeyWithItsDefault()
    {
        foreach (var parameter in TriggerMetadata.Parameters)
        {
            var row = Readme.Split('\n').FirstOrDefault(l => l.StartsWith($"| `{parameter.Name}` |", StringComparison.Ordinal));
            Assert.True(row is not null, $"README metadata table has no row for {parameter.Name}");
            if (parameter.Default is { } value && value is not "detect" and not "learned" and not "backlog")
            {
                Assert.Contains($"`{value}`", row, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData(typeof(SignalStoreOptions), "Pulsar")]
    [InlineData(typeof(PulsarOptions), "Pulsar")]
    [InlineData(typeof(GrpcListenerOptions), "Grpc")]
    [InlineData(typeof(HttpListenerOptions), "Http")]
    [InlineData(typeof(MeshScaler.Kubernetes.KubernetesOptions), "Kubernetes")]
    [InlineData(typeof(MeshScaler.Prometheus.RunnerScrapeOptions), "RunnerMetrics")]
    [InlineData(typeof(MeshScaler.MetricsApi.MetricsApiOptions), "MetricsApi")]
    [InlineData(typeof(MeshScaler.MetricsApi.MetricsApiUpstreamOptions), "MetricsApi:Upstream")]
    public void Readme_DocumentsEveryOption(Type options, string section)
    {
        foreach (var property in options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name is not "Clusters" and not "Tls" and not "Upstream"))
        {
            Assert.Contains($"`{section}:{property.Name}`", Readme, StringComparison.Ordinal);
        }
    }
}
