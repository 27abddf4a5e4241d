using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MeshScaler.Hosting;

/// <summary>The Kestrel listeners, so the bound ports can be read after start (port 0 in tests).</summary>
internal sealed class ListenerEndpoints
{
    public ListenOptions? Grpc { get; set; }

    public ListenOptions? Http { get; set; }

    public int GrpcPort => (Grpc?.EndPoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("The gRPC listener is not configured.");

    /// <summary>True for a request that arrived on the gRPC listener (its bound port; before binding, none does).</summary>
    public bool IsGrpc(int localPort) => (Grpc?.EndPoint as IPEndPoint)?.Port == localPort;

    /// <summary>The custom metrics API's listener; null unless <c>MeshScaler:MetricsApi:Enabled</c>.</summary>
    public ListenOptions? MetricsApi { get; set; }

    public int MetricsApiPort => (MetricsApi?.EndPoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("The metrics API listener is not configured.");

    /// <summary>True for a request that arrived on the metrics API's listener.</summary>
    public bool IsMetricsApi(int localPort) => MetricsApi is { EndPoint: IPEndPoint bound } && bound.Port == localPort;

    public int HttpPort => (Http?.EndPoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("The HTTP listener is not configured.");
}
