using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace MeshScaler.Grpc;

/// <summary>What a handler knows about the call it serves.</summary>
public sealed class ServerCallContext
{
    internal ServerCallContext(HttpContext httpContext, string method, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        HttpContext = httpContext;
        Method = method;
        Deadline = deadline;
        CancellationToken = cancellationToken;

        // Read now: the HttpContext may not be touched once the call has ended.
        Peer = FormatPeer(httpContext.Connection.RemoteIpAddress, httpContext.Connection.RemotePort);
    }

    /// <summary>The full method path, e.g. <c>/grpc.health.v1.Health/Check</c>.</summary>
    public string Method { get; }

    /// <summary>
    /// Cancelled when the client resets or aborts the stream, when the deadline passes, or when the server shuts the
    /// connection down. After that nothing more reaches the client.
    /// </summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The deadline the client sent in <c>grpc-timeout</c>, or null when it sent none (or an invalid one).</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>The client address in gRPC's form: <c>ipv4:1.2.3.4:5678</c>, <c>ipv6:[::1]:5678</c>, or <c>unknown</c>.</summary>
    public string Peer { get; }

    /// <summary>
    /// The underlying request (headers, client certificate, connection). Valid only while the handler runs;
    /// do not write the response through it.
    /// </summary>
    public HttpContext HttpContext { get; }

    internal static string FormatPeer(IPAddress? address, int port)
    {
        if (address is null)
        {
            return "unknown";
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"ipv6:[{address}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"ipv4:{address}:{port}");
    }
}
