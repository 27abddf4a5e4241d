using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace MeshScaler.Grpc.Client;

/// <summary>
/// A minimal gRPC client over <see cref="HttpClient"/>: HTTP/2 with prior knowledge (h2c), uncompressed frames, unary
/// and server-streaming calls. For MeshScaler's own demo and benchmarks, where no .NET gRPC client library can be
/// restored; it is not a general-purpose client (no retries, no compression, no TLS configuration).
/// </summary>
/// <remarks>Non-OK statuses, trailers-only or in trailers, are thrown as <see cref="RpcException"/>.</remarks>
public sealed class GrpcClient : IDisposable
{
    private readonly HttpClient _http;

    public GrpcClient(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
        {
            BaseAddress = address,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Calls a unary method (<c>/package.Service/Method</c>) and returns its single response.</summary>
    public async Task<TResponse> UnaryAsync<TResponse>(string method, IMessage request, MessageParser<TResponse> parser, CancellationToken cancellationToken = default)
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(parser);
        using var response = await SendAsync(method, request, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var frame = await ReadFrameAsync(body, cancellationToken);
        while (await ReadFrameAsync(body, cancellationToken) is not null)
        {
            // Drain to reach the trailers.
        }

        ThrowOnStatus(method, response.TrailingHeaders);
        return frame is null
            ? throw new RpcException(StatusCode.Internal, $"{method}: the server sent no message")
            : parser.ParseFrom(frame);
    }

    /// <summary>Calls a server-streaming method and yields every message until the server ends the stream.</summary>
    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TResponse>(
        string method, IMessage request, MessageParser<TResponse> parser, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(parser);
        using var response = await SendAsync(method, request, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        while (await ReadFrameAsync(body, cancellationToken) is { } frame)
        {
            yield return parser.ParseFrom(frame);
        }

        ThrowOnStatus(method, response.TrailingHeaders);
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(string method, IMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var payload = request.ToByteArray();
        var framed = new byte[payload.Length + 5];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(framed, 5);
        using var message = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(framed),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TryAddWithoutValidation("te", "trailers");
        var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            response.Dispose();
            throw new RpcException(StatusCode.Unavailable, $"{method}: HTTP {(int)response.StatusCode}");
        }

        try
        {
            // Trailers-only answers carry the status in the headers.
            ThrowOnStatus(method, response.Headers);
        }
        catch (RpcException)
        {
            response.Dispose();
            throw;
        }

        return response;
    }

    private static void ThrowOnStatus(string method, HttpHeaders headers)
    {
        if (headers.TryGetValues("grpc-status", out var values) && values.First() is var status && status != "0")
        {
            var text = headers.TryGetValues("grpc-message", out var m) ? Uri.UnescapeDataString(m.First()) : string.Empty;
            var code = int.TryParse(status, System.Globalization.CultureInfo.InvariantCulture, out var number) && Enum.IsDefined((StatusCode)number)
                ? (StatusCode)number
                : StatusCode.Unknown;
            throw new RpcException(code, $"{method}: {text}");
        }
    }

    private static async Task<byte[]?> ReadFrameAsync(Stream body, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        var read = await body.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
        {
            return null;
        }

        if (read < 5 || header[0] != 0)
        {
            throw new RpcException(StatusCode.Internal, read < 5 ? "truncated gRPC frame" : "compressed gRPC frames are not supported by this client");
        }

        var frame = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await body.ReadExactlyAsync(frame, cancellationToken);
        return frame;
    }
}
