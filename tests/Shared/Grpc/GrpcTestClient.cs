using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace MeshScaler.Testing;

/// <summary>
/// The tests' gRPC client: Grpc.Net.Client over one connection (h2c, or h2 over TLS), with typed calls by method path
/// that return the status instead of throwing, so a test asserts codes and messages as a table. <see cref="Raw"/> sends
/// plain HTTP requests, for what a gRPC client never sends (a wrong content type).
/// </summary>
internal sealed class GrpcTestClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private readonly GrpcChannel _channel;

    public GrpcTestClient(int port, X509Certificate2? trustedServerCertificate = null, X509Certificate2? clientCertificate = null)
    {
        SocketsHttpHandler Handler()
        {
            var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false };
            if (trustedServerCertificate is not null)
            {
                handler.SslOptions.RemoteCertificateValidationCallback =
                    (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == trustedServerCertificate.GetCertHashString();
                if (clientCertificate is not null)
                {
                    handler.SslOptions.ClientCertificates = [clientCertificate];
                }
            }

            return handler;
        }

        Address = new Uri($"{(trustedServerCertificate is null ? "http" : "https")}://127.0.0.1:{port}");

        // Its own handler: Grpc.Net.Client takes over the connection logic of the handler it is given.
        Raw = new HttpClient(Handler())
        {
            BaseAddress = Address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = CallTimeout,
        };
        _channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = Handler(), DisposeHttpClient = true });
    }

    public Uri Address { get; }

    public GrpcChannel Channel => _channel;

    /// <summary>Plain HTTP/2 on the same connection settings.</summary>
    public HttpClient Raw { get; }

    /// <summary>A POST of <paramref name="body"/> to <paramref name="path"/> with the given content type, as no gRPC client would send it.</summary>
    public Task<HttpResponseMessage> PostRawAsync(string path, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Raw.PostAsync(path, content);
    }

    /// <summary>A typed unary call by path; never throws for a status. <paramref name="timeout"/> becomes the call's deadline.</summary>
    public async Task<GrpcCallResult<T>> UnaryAsync<T>(string path, IMessage request, MessageParser<T> parser, TimeSpan? timeout = null)
        where T : class, IMessage<T>
    {
        var options = new CallOptions(deadline: timeout is { } t ? DateTime.UtcNow + t : null);
        using var call = _channel.CreateCallInvoker().AsyncUnaryCall(Method(MethodType.Unary, path, parser), null, options, request);
        try
        {
            var response = await call.ResponseAsync.WaitAsync(CallTimeout);
            return new GrpcCallResult<T>([response], 0, string.Empty);
        }
        catch (RpcException ex)
        {
            return new GrpcCallResult<T>([], (int)ex.StatusCode, ex.Status.Detail);
        }
    }

    /// <summary>Opens a server stream; read typed messages with <see cref="GrpcStream{T}.ReadAsync"/>, dispose to cancel it.</summary>
    public GrpcStream<T> Stream<T>(string path, IMessage request, MessageParser<T> parser, CancellationToken cancellationToken = default)
        where T : class, IMessage<T> =>
        new(_channel.CreateCallInvoker().AsyncServerStreamingCall(
            Method(MethodType.ServerStreaming, path, parser), null, new CallOptions(cancellationToken: cancellationToken), request));

    private static Method<IMessage, T> Method<T>(MethodType type, string path, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var slash = path.LastIndexOf('/');
        return new Method<IMessage, T>(
            type,
            path[1..slash],
            path[(slash + 1)..],
            Marshallers.Create<IMessage>(m => m.ToByteArray(), _ => throw new NotSupportedException()),
            Marshallers.Create<T>(m => m.ToByteArray(), parser.ParseFrom));
    }

    public void Dispose()
    {
        Raw.Dispose();
        _channel.Dispose();
    }
}
