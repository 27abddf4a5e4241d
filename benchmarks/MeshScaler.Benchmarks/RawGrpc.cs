using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace MeshScaler.Benchmarks;

/// <summary>The thinnest possible gRPC client over HttpClient, so the client costs the same for every method measured.</summary>
internal sealed class RawGrpc(int port) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        Timeout = TimeSpan.FromSeconds(30),
    };

    public static byte[] Frame(IMessage message)
    {
        var body = message.ToByteArray();
        var framed = new byte[5 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)body.Length);
        body.CopyTo(framed, 5);
        return framed;
    }

    public HttpRequestMessage Request(string method, byte[] framed)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(framed),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        return request;
    }

    /// <summary>Sends one unary call and returns grpc-status (from trailers, or from headers when trailers-only).</summary>
    public async Task<int> CallAsync(string method, byte[] framed, CancellationToken cancellationToken = default)
    {
        using var response = await _http.SendAsync(Request(method, framed), cancellationToken);
        await response.Content.CopyToAsync(Stream.Null, cancellationToken);
        var source = response.Headers.Contains("grpc-status") ? (HttpHeaders)response.Headers : response.TrailingHeaders;
        return source.TryGetValues("grpc-status", out var values) ? int.Parse(values.First(), System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    /// <summary>Opens a server stream and returns the response once headers arrived (the body stays open).</summary>
    public Task<HttpResponseMessage> OpenStreamAsync(string method, byte[] framed, CancellationToken cancellationToken) =>
        _http.SendAsync(Request(method, framed), HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    public void Dispose() => _http.Dispose();
}
