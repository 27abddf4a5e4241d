using System.Net;
using System.Text.Json.Nodes;
using MeshScaler.Emulation.Kubernetes;

namespace MeshScaler.Emulation.Tests.Kubernetes;

/// <summary>The fake API server's list selection, as a real API server's: every selector form, and a 400 Status for a bad one.</summary>
public sealed class FakeKubernetesApiServerTests
{
    [Theory]
    [InlineData("compute.functionmesh.io/component in (function,sink)", 3)]
    [InlineData("compute.functionmesh.io/name=order-enricher", 2)]
    [InlineData("compute.functionmesh.io/name!=order-enricher", 1)]
    [InlineData("compute.functionmesh.io/name notin (order-enricher)", 1)]
    [InlineData("!compute.functionmesh.io/name", 0)]
    [InlineData("", 3)]
    public async Task ListPods_BySelector_ReturnsTheSelected(string selector, int expected)
    {
        await using var server = await Seeded();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var list = JsonNode.Parse(await http.GetStringAsync($"/api/v1/pods?labelSelector={Uri.EscapeDataString(selector)}"))!;

        Assert.Equal(expected, list["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task ListPods_MalformedSelector_Is400StatusNamingIt()
    {
        await using var server = await Seeded();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.GetAsync($"/api/v1/pods?labelSelector={Uri.EscapeDataString("name in (a")}");
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("BadRequest", (string?)status["reason"]);
        Assert.Contains("unable to parse labelSelector: unable to parse requirement 'name in (a'", (string?)status["message"], StringComparison.Ordinal);
    }

    private static async Task<FakeKubernetesApiServer> Seeded()
    {
        var server = await FakeKubernetesApiServer.StartAsync();
        server.Apply("pods", FunctionMeshObjects.RunnerPod("fm", "order-enricher", 0, "10.0.0.10"));
        server.Apply("pods", FunctionMeshObjects.RunnerPod("fm", "order-enricher", 1, "10.0.0.11"));
        server.Apply("pods", FunctionMeshObjects.RunnerPod("fm", "router", 0, "10.0.0.20", kind: "Sink"));
        return server;
    }
}
