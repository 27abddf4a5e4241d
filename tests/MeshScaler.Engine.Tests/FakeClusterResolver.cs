using MeshScaler.Core;

namespace MeshScaler.Engine.Tests;

internal sealed class FakeClusterResolver : IPulsarClusterResolver
{
    public PulsarClusterRef Resolve(Uri? adminUrl, string? clusterName) =>
        adminUrl?.Host == "forbidden"
            ? throw new ScalingException(ScalingErrorKind.InvalidArgument, $"adminURL \"{adminUrl}\" is not a configured cluster")
            : new PulsarClusterRef(clusterName ?? "test", adminUrl ?? new Uri("http://test"));
}
