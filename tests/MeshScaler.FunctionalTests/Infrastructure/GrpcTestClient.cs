using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace MeshScaler.FunctionalTests.Infrastructure;

/// <summary>
/// A small gRPC client over HttpClient (HTTP/2 with prior knowledge): frames requests, reads frames and trailers.
/// Deliberately independent of the server code it tests.
/// </summary>
internal sealed class GrpcTestClient : IDisposable
{
    private readonly HttpClient _http;

    public GrpcTestClient(int port)
    {
        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public static byte[] Frame(IMessage message)
    {
        var body = message.ToByteArray();
        var framed = new byte[5 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)body.Length);
        body.CopyTo(framed, 5);
        return framed;
    }

    public HttpRequestMessage Request(string method, IMessage request, string? timeout = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = new ByteArrayContent(Frame(request)),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (timeout is not null)
        {
            message.Headers.TryAddWithoutValidation("grpc-timeout", timeout);
        }

        return message;
    }

    public async Task<GrpcCallResult<TResponse>> UnaryAsync<TResponse>(string method, IMessage request, MessageParser<TResponse> parser, string? timeout = null)
        where TResponse : IMessage<TResponse>
    {
        using var response = await _http.SendAsync(Request(method, request, timeout)).WaitAsync(TimeSpan.FromSeconds(30));
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.Content.Headers.ContentType?.MediaType != "application/grpc")
        {
            throw new InvalidOperationException($"not a gRPC response: HTTP {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        }

        var messages = new List<TResponse>();
        var offset = 0;
        while (offset + 5 <= body.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            if (length > body.Length - offset - 5)
            {
                throw new InvalidOperationException($"truncated frame: {Convert.ToHexString(body)}");
            }

            messages.Add(parser.ParseFrom(body, offset + 5, length));
            offset += 5 + length;
        }

        return Result(response, messages);
    }

    /// <summary>Opens a server stream; read messages with <see cref="GrpcStream{T}.ReadAsync"/>.</summary>
    public async Task<GrpcStream<TResponse>> StreamAsync<TResponse>(string method, IMessage request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        var response = await _http.SendAsync(Request(method, request), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return new GrpcStream<TResponse>(response, await response.Content.ReadAsStreamAsync(cancellationToken), parser);
    }

    internal static GrpcCallResult<T> Result<T>(HttpResponseMessage response, IReadOnlyList<T> messages)
        where T : IMessage<T>
    {
        string? Header(HttpHeaders headers, string name) => headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
        var trailersOnly = Header(response.Headers, "grpc-status") is not null;
        var source = trailersOnly ? (HttpHeaders)response.Headers : response.TrailingHeaders;
        var status = Header(source, "grpc-status");
        var message = Header(source, "grpc-message");
        return new GrpcCallResult<T>(
            (int)response.StatusCode,
            messages,
            status is null ? null : int.Parse(status, System.Globalization.CultureInfo.InvariantCulture),
            message is null ? null : Uri.UnescapeDataString(message),
            trailersOnly);
    }

    public void Dispose() => _http.Dispose();
}
