using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;

namespace MeshScaler.Testing;

/// <summary>
/// A minimal gRPC client over HttpClient (h2c with prior knowledge, or h2 over TLS), written from the spec and independent
/// of the server code it tests: raw frames for protocol tests, typed calls for service tests.
/// </summary>
internal sealed class GrpcTestClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private readonly HttpClient _http;

    public GrpcTestClient(int port, X509Certificate2? trustedServerCertificate = null, X509Certificate2? clientCertificate = null, Version? version = null)
    {
        var handler = new SocketsHttpHandler();
        if (trustedServerCertificate is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback =
                (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == trustedServerCertificate.GetCertHashString();
            if (clientCertificate is not null)
            {
                handler.SslOptions.ClientCertificates = [clientCertificate];
            }
        }

        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri($"{(trustedServerCertificate is null ? "http" : "https")}://127.0.0.1:{port}"),
            DefaultRequestVersion = version ?? HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    public static byte[] Frame(byte[] payload, byte compressedFlag = 0)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressedFlag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static List<byte[]> ParseFrames(byte[] body)
    {
        var messages = new List<byte[]>();
        var offset = 0;
        while (offset < body.Length)
        {
            Assert.True(body.Length - offset >= 5, "truncated frame header in response");
            Assert.Equal(0, body[offset]);
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            messages.Add(body.AsSpan(offset + 5, length).ToArray());
            offset += 5 + length;
        }

        return messages;
    }

    public HttpRequestMessage CreateRequest(string path, byte[] body, string contentType = "application/grpc")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(body),
            Version = _http.DefaultRequestVersion,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TE.ParseAdd("trailers");
        return request;
    }

    public Task<GrpcResponse> CallAsync(string path, IMessage request) => CallAsync(path, Frame(request));

    public Task<GrpcResponse> CallAsync(string path, byte[] body) => SendAsync(CreateRequest(path, body));

    public async Task<GrpcResponse> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(CallTimeout);
            var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(CallTimeout);
            var contentType = response.Content.Headers.ContentType?.ToString();
            var messages = contentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true ? ParseFrames(body) : [];
            return new GrpcResponse(response.StatusCode, response.Headers, response.TrailingHeaders, contentType, messages, body);
        }
    }

    /// <summary>A typed unary call: every response message parsed, status and message decoded. Throws when the answer is not gRPC.</summary>
    public async Task<GrpcCallResult<T>> UnaryAsync<T>(string path, IMessage request, MessageParser<T> parser, string? timeout = null)
        where T : IMessage<T>
    {
        var message = CreateRequest(path, Frame(request));
        if (timeout is not null)
        {
            message.Headers.TryAddWithoutValidation("grpc-timeout", timeout);
        }

        var response = await SendAsync(message);
        if (response.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            throw new InvalidOperationException($"not a gRPC response: HTTP {(int)response.HttpStatus} {System.Text.Encoding.UTF8.GetString(response.Body)}");
        }

        return new GrpcCallResult<T>(
            (int)response.HttpStatus, [.. response.Messages.Select(m => parser.ParseFrom(m))], response.GrpcStatus, response.GrpcMessage, response.TrailersOnly);
    }

    /// <summary>Opens a server stream; read typed messages with <see cref="GrpcStream{T}.ReadAsync"/>, dispose to reset it.</summary>
    public async Task<GrpcStream<T>> StreamAsync<T>(string path, IMessage request, MessageParser<T> parser, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        var response = await StartAsync(path, request, cancellationToken);
        return new GrpcStream<T>(response, await response.Content.ReadAsStreamAsync(cancellationToken), parser);
    }

    /// <summary>Starts a call and returns the live response for streaming tests; the caller disposes it.</summary>
    public Task<HttpResponseMessage> StartAsync(string path, IMessage request, CancellationToken cancellationToken)
        => _http.SendAsync(CreateRequest(path, Frame(request)), HttpCompletionOption.ResponseHeadersRead, cancellationToken).WaitAsync(CallTimeout, cancellationToken);

    /// <summary>Reads exactly one frame from a response stream.</summary>
    public static async Task<byte[]> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        await stream.ReadExactlyAsync(header, cancellationToken).AsTask().WaitAsync(CallTimeout, cancellationToken);
        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await stream.ReadExactlyAsync(payload, cancellationToken).AsTask().WaitAsync(CallTimeout, cancellationToken);
        return payload;
    }

    public void Dispose() => _http.Dispose();
}
