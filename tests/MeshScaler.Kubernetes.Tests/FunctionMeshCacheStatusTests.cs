namespace MeshScaler.Kubernetes.Tests;

public sealed class FunctionMeshCacheStatusTests
{
    [Fact]
    public async Task Read_CountsEachResource_AndADeniedOneIsNotSynced()
    {
        await using var cluster = await FakeCluster.StartAsync(s =>
        {
            FunctionMeshDirectoryTests.Seed(s);
            s.Deny("sinks");
        });
        var status = new FunctionMeshCacheStatus(cluster.Caches);

        await cluster.UntilAsync(() => status.Read().Single(c => c.Resource == "pods").Synced, "the pods listed");

        var states = status.Read().ToDictionary(c => c.Resource);
        Assert.Equal(6, states.Count);
        Assert.Equal(new KubernetesCacheState("pods", 3, true), states["pods"]);
        Assert.True(states["functions.compute.functionmesh.io"].Synced);
        Assert.Equal(new KubernetesCacheState("sinks.compute.functionmesh.io", 0, false), states["sinks.compute.functionmesh.io"]);

        cluster.Server.Allow("sinks");
        await cluster.UntilAsync(() => status.Read().Single(c => c.Resource == "sinks.compute.functionmesh.io").Synced, "the sinks listed after the grant");
    }

    [Fact]
    public void Read_WhenTheClusterIsNotRead_IsEmpty()
    {
        Assert.Empty(new FunctionMeshCacheStatus(null).Read());
    }
}
