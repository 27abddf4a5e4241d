using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using MeshScaler.Keda;

namespace MeshScaler.Simulation;

/// <summary>
/// A minimal gRPC client for KEDA's ExternalScaler over <see cref="HttpClient"/>: HTTP/2 with prior knowledge (h2c),
/// uncompressed frames, unary calls and the StreamIsActive server stream. Failures throw <see cref="InvalidOperationException"/>
/// with the gRPC status and message.
/// </summary>
internal sealed class KedaGrpcClient(Uri address) : IDisposable
{
    private const string Service = "/externalscaler.ExternalScaler/";

    private readonly HttpClient _http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }) { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };

    public async Task<bool> IsActiveAsync(ScaledObjectRef request, CancellationToken cancellationToken) =>
        (await UnaryAsync("IsActive", request, IsActiveResponse.Parser, cancellationToken)).Result;

    public Task<GetMetricSpecResponse> GetMetricSpecAsync(ScaledObjectRef request, CancellationToken cancellationToken) =>
        UnaryAsync("GetMetricSpec", request, GetMetricSpecResponse.Parser, cancellationToken);

    public Task<GetMetricsResponse> GetMetricsAsync(GetMetricsRequest request, CancellationToken cancellationToken) =>
        UnaryAsync("GetMetrics", request, GetMetricsResponse.Parser, cancellationToken);

    /// <summary>Opens StreamIsActive and yields every message until the server ends the stream.</summary>
    public async IAsyncEnumerable<bool> StreamIsActiveAsync(ScaledObjectRef request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await SendAsync("StreamIsActive", request, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        while (await ReadFrameAsync(body, cancellationToken) is { } frame)
        {
            yield return IsActiveResponse.Parser.ParseFrom(frame).Result;
        }

        ThrowOnStatus(response);
    }

    public void Dispose() => _http.Dispose();

    private async Task<TResponse> UnaryAsync<TResponse>(string method, IMessage request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        using var response = await SendAsync(method, request, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var frame = await ReadFrameAsync(body, cancellationToken);
        while (await ReadFrameAsync(body, cancellationToken) is not null)
        {
            // Drain to reach the trailers.
        }

        ThrowOnStatus(response);
        return frame is null ? throw new InvalidOperationException($"{method}: the server sent no message") : parser.ParseFrom(frame);
    }

    private async Task<HttpResponseMessage> SendAsync(string method, IMessage request, CancellationToken cancellationToken)
    {
        var payload = request.ToByteArray();
        var framed = new byte[payload.Length + 5];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(framed, 5);
        using var message = new HttpRequestMessage(HttpMethod.Post, Service + method)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(framed),
        };
        message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        message.Headers.TryAddWithoutValidation("te", "trailers");
        var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            response.Dispose();
            throw new InvalidOperationException($"{method}: HTTP {(int)response.StatusCode}");
        }

        // Trailers-only answers carry the status in the headers.
        if (response.Headers.TryGetValues("grpc-status", out var status) && status.First() != "0")
        {
            var text = response.Headers.TryGetValues("grpc-message", out var m) ? Uri.UnescapeDataString(m.First()) : string.Empty;
            response.Dispose();
            throw new InvalidOperationException($"{method}: gRPC status {status.First()}: {text}");
        }

        return response;
    }

    private static void ThrowOnStatus(HttpResponseMessage response)
    {
        if (response.TrailingHeaders.TryGetValues("grpc-status", out var status) && status.First() != "0")
        {
            var text = response.TrailingHeaders.TryGetValues("grpc-message", out var m) ? Uri.UnescapeDataString(m.First()) : string.Empty;
            throw new InvalidOperationException($"gRPC status {status.First()}: {text}");
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
            throw new InvalidOperationException(read < 5 ? "truncated gRPC frame" : "compressed gRPC frames are not supported by this client");
        }

        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        var frame = new byte[length];
        await body.ReadExactlyAsync(frame, cancellationToken);
        return frame;
    }
}
