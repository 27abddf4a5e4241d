using System.Net;
using System.Net.Http.Headers;

namespace MeshScaler.Testing;

/// <summary>What a test client received for one call.</summary>
internal sealed record GrpcResponse(
    HttpStatusCode HttpStatus,
    HttpResponseHeaders Headers,
    HttpResponseHeaders Trailers,
    string? ContentType,
    IReadOnlyList<byte[]> Messages,
    byte[] Body)
{
    /// <summary>grpc-status from the trailers, or from the headers of a Trailers-Only response.</summary>
    public int? GrpcStatus => Read("grpc-status") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>grpc-message, percent-decoded.</summary>
    public string? GrpcMessage => Read("grpc-message") is { } m ? Uri.UnescapeDataString(m) : null;

    /// <summary>grpc-message exactly as sent.</summary>
    public string? RawGrpcMessage => Read("grpc-message");

    public bool TrailersOnly => Headers.Contains("grpc-status") && Body.Length == 0;

    private string? Read(string name)
        => Trailers.TryGetValues(name, out var t) ? t.Single()
            : Headers.TryGetValues(name, out var h) ? h.Single()
            : null;
}
