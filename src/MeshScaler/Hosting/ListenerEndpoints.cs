using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MeshScaler.Hosting;

/// <summary>The two Kestrel listeners, so the bound ports can be read after start (port 0 in tests).</summary>
internal sealed class ListenerEndpoints
{
    private int _grpcPort;

    public ListenOptions? Grpc { get; set; }

    public ListenOptions? Http { get; set; }

    public int GrpcPort => (Grpc?.EndPoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("The gRPC listener is not configured.");

    /// <summary>True for a request that arrived on the gRPC listener (compared by its bound port).</summary>
    public bool IsGrpc(int localPort)
    {
        var port = Volatile.Read(ref _grpcPort);
        if (port == 0)
        {
            // Known only once bound (port 0 picks one); the first request comes after that.
            port = (Grpc?.EndPoint as IPEndPoint)?.Port ?? 0;
            Volatile.Write(ref _grpcPort, port);
        }

        return port != 0 && port == localPort;
    }

    public int HttpPort => (Http?.EndPoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("The HTTP listener is not configured.");
}
