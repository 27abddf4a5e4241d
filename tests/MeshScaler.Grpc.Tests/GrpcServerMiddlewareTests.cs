using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshScaler.Grpc.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Grpc.Tests;

public sealed class GrpcServerMiddlewareTests : IAsyncLifetime
{
    private GrpcTestHost _host = null!;
    private GrpcTestClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await GrpcTestHost.StartAsync(configure: o => o.MaxReceiveMessageSize = 1024);
        _client = new GrpcTestClient(_host.GrpcPort);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Unary_ValidRequest_ReturnsMessageAndOkTrailers()
    {
        var response = await _client.CallAsync(TestMethods.Unary, new StringValue { Value = "hi" });

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal("application/grpc", response.ContentType);
        var message = Assert.Single(response.Messages);
        Assert.Equal("echo: hi", StringValue.Parser.ParseFrom(message).Value);
        Assert.True(response.Trailers.Contains("grpc-status"), "grpc-status must be a trailer after a message");
        Assert.Equal(0, response.GrpcStatus);
        Assert.Null(response.GrpcMessage);
    }

    [Fact]
    public async Task Unary_Context_ExposesMethodPeerAndNoDeadline()
    {
        await _client.CallAsync(TestMethods.Unary, new StringValue { Value = "x" });

        var context = _host.Probe.LastContext!;
        Assert.Equal(TestMethods.Unary, context.Method);
        Assert.StartsWith("ipv4:127.0.0.1:", context.Peer, StringComparison.Ordinal);
        Assert.Null(context.Deadline);
    }

    [Fact]
    public async Task Unary_MessageSplitAcrossManyDataFrames_IsReassembled()
    {
        var frame = GrpcTestClient.Frame(new StringValue { Value = new string('z', 900) });
        using var request = _client.CreateRequest(TestMethods.Unary, []);
        request.Content = new DribbleContent(frame, chunkSize: 7);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/grpc");

        var response = await _client.SendAsync(request);

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal("echo: " + new string('z', 900), StringValue.Parser.ParseFrom(Assert.Single(response.Messages)).Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(25)]
    public async Task ServerStreaming_CountN_ReturnsNMessagesThenOk(int count)
    {
        var response = await _client.CallAsync(TestMethods.Count, new Int32Value { Value = count });

        Assert.Equal(Enumerable.Range(0, count), response.Messages.Select(m => Int32Value.Parser.ParseFrom(m).Value));
        Assert.Equal(0, response.GrpcStatus);
    }

    [Fact]
    public async Task ServerStreaming_ZeroMessages_TrailersOnlyOk()
    {
        var response = await _client.CallAsync(TestMethods.Count, new Int32Value { Value = 0 });

        Assert.True(response.TrailersOnly);
        Assert.Equal(0, response.GrpcStatus);
    }

    [Fact]
    public async Task Unary_HandlerThrowsRpcException_TrailersOnlyWithStatusAndMessage()
    {
        var response = await _client.CallAsync(TestMethods.Fail, new StringValue { Value = "bad input" });

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.True(response.TrailersOnly, "an error before any message must be a Trailers-Only response");
        Assert.Equal((int)StatusCode.InvalidArgument, response.GrpcStatus);
        Assert.Equal("bad input", response.GrpcMessage);
        Assert.Empty(_host.Logs.Errors);
    }

    [Fact]
    public async Task Unary_StatusMessageWithNonAscii_IsPercentEncodedAndRoundTrips()
    {
        const string detail = "100% sure: naïve ✓\nnext line";

        var response = await _client.CallAsync(TestMethods.Fail, new StringValue { Value = detail });

        Assert.Equal("100%25 sure: na%C3%AFve %E2%9C%93%0Anext line", response.RawGrpcMessage);
        Assert.Equal(detail, response.GrpcMessage);
    }

    [Fact]
    public async Task Unary_HandlerThrowsUnexpected_UnknownWithGenericMessageAndOneErrorLog()
    {
        var response = await _client.CallAsync(TestMethods.Throw, new StringValue());

        Assert.Equal((int)StatusCode.Unknown, response.GrpcStatus);
        Assert.Equal("Exception was thrown by handler.", response.GrpcMessage);
        var error = Assert.Single(_host.Logs.Errors);
        Assert.Equal(1010, error.EventId.Id);
        Assert.IsType<InvalidOperationException>(error.Exception);
        Assert.DoesNotContain(TestMethods.SecretDetail, Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/test.Echo/Missing")]
    [InlineData("/other.Service/Unary")]
    public async Task Call_UnknownMethod_Http200WithUnimplemented(string path)
    {
        var response = await _client.CallAsync(path, new StringValue());

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.True(response.TrailersOnly);
        Assert.Equal((int)StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Contains(path, response.GrpcMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/grpc+json")]
    [InlineData("text/plain")]
    public async Task Call_WrongContentType_Http415(string contentType)
    {
        var response = await _client.SendAsync(_client.CreateRequest(TestMethods.Unary, GrpcTestClient.Frame(new StringValue()), contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
        Assert.Empty(response.Messages);
    }

    [Theory]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc; charset=utf-8")]
    public async Task Call_GrpcContentTypeVariants_Accepted(string contentType)
    {
        var response = await _client.SendAsync(_client.CreateRequest(TestMethods.Unary, GrpcTestClient.Frame(new StringValue { Value = "v" }), contentType));

        Assert.Equal(0, response.GrpcStatus);
    }

    [Fact]
    public async Task Call_GetRequest_Http405()
    {
        using var request = _client.CreateRequest(TestMethods.Unary, []);
        request.Method = HttpMethod.Get;
        request.Content = null;

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.HttpStatus);
    }

    [Fact]
    public async Task Call_Http11ToCleartextGrpcPort_Http400WithoutGrpcAnswer()
    {
        using var http11 = new GrpcTestClient(_host.GrpcPort, version: HttpVersion.Version11);

        var response = await http11.CallAsync(TestMethods.Unary, new StringValue { Value = "x" });

        // The cleartext listener is HTTP/2 only: Kestrel itself answers 400 and closes the connection.
        Assert.Equal(HttpStatusCode.BadRequest, response.HttpStatus);
        Assert.Null(response.GrpcStatus);
        Assert.Empty(response.Messages);
        Assert.Contains("HTTP/2", Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_CleartextHttp1AndHttp2_DoesNotAcceptPriorKnowledge()
    {
        // Why the gRPC listener is Http2-only without TLS: a mixed cleartext endpoint refuses h2c prior knowledge.
        var builder = WebApplication.CreateSlimBuilder();
        ListenOptions? listener = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = HttpProtocols.Http1AndHttp2;
            listener = l;
        }));
        await using var app = builder.Build();
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using var h2c = new GrpcTestClient(listener!.IPEndPoint!.Port);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => h2c.CallAsync(TestMethods.Unary, new StringValue()));

        Assert.Contains("HTTP_1_1_REQUIRED", error.Message, StringComparison.Ordinal);
        await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task OpsListener_SamePipeline_PassesThroughUntouched()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_host.OpsPort}") };

        var health = await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(10));
        using var post = await http.PostAsync(new Uri(TestMethods.Unary, UriKind.Relative), new ByteArrayContent([])).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("ops ok", health);
        Assert.Equal("not grpc", await post.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unary_MessageAboveMaxReceiveSize_ResourceExhausted()
    {
        var response = await _client.CallAsync(TestMethods.Unary, new StringValue { Value = new string('a', 2000) });

        Assert.Equal((int)StatusCode.ResourceExhausted, response.GrpcStatus);
        Assert.Contains("maximum of 1024", response.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_LengthPrefixAboveMaxWithoutPayload_ResourceExhaustedBeforeBuffering()
    {
        var header = new byte[] { 0, 0x7F, 0xFF, 0xFF, 0xFF };

        var response = await _client.CallAsync(TestMethods.Unary, header);

        Assert.Equal((int)StatusCode.ResourceExhausted, response.GrpcStatus);
    }

    [Fact]
    public async Task Unary_TruncatedFrame_Internal()
    {
        var frame = GrpcTestClient.Frame(new StringValue { Value = "truncated" });

        var response = await _client.CallAsync(TestMethods.Unary, frame[..^3]);

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("truncated", response.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_TwoMessages_Internal()
    {
        var frame = GrpcTestClient.Frame(new StringValue { Value = "one" });

        var response = await _client.CallAsync(TestMethods.Unary, [.. frame, .. frame]);

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("more than one message", response.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_NoMessage_Internal()
    {
        var response = await _client.CallAsync(TestMethods.Unary, []);

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("no message", response.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_UnparseableProtobuf_Internal()
    {
        var response = await _client.CallAsync(TestMethods.Unary, GrpcTestClient.Frame([0x0A, 0x05, 0x61]));

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("StringValue", response.GrpcMessage, StringComparison.Ordinal);
        Assert.Empty(_host.Logs.Errors);
    }

    [Fact]
    public async Task Unary_GzipCompressedRequest_Accepted()
    {
        var payload = new StringValue { Value = new string('g', 900) }.ToByteArray();
        using var request = _client.CreateRequest(TestMethods.Size, GrpcTestClient.Frame(GrpcTestClient.Gzip(payload), compressedFlag: 1));
        request.Headers.Add("grpc-encoding", "gzip");

        var response = await _client.SendAsync(request);

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal(900, Int32Value.Parser.ParseFrom(Assert.Single(response.Messages)).Value);
    }

    [Fact]
    public async Task Unary_GzipDecompressesAboveMax_ResourceExhausted()
    {
        // 100 KB of one letter compresses far below the 1 KiB limit but inflates far above it.
        var payload = new StringValue { Value = new string('g', 100_000) }.ToByteArray();
        var compressed = GrpcTestClient.Gzip(payload);
        Assert.True(compressed.Length < 1024);
        using var request = _client.CreateRequest(TestMethods.Size, GrpcTestClient.Frame(compressed, compressedFlag: 1));
        request.Headers.Add("grpc-encoding", "gzip");

        var response = await _client.SendAsync(request);

        Assert.Equal((int)StatusCode.ResourceExhausted, response.GrpcStatus);
    }

    [Fact]
    public async Task Unary_UnsupportedEncoding_UnimplementedWithAcceptEncoding()
    {
        using var request = _client.CreateRequest(TestMethods.Size, GrpcTestClient.Frame([], compressedFlag: 1));
        request.Headers.Add("grpc-encoding", "snappy");

        var response = await _client.SendAsync(request);

        Assert.Equal((int)StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Contains("snappy", response.GrpcMessage, StringComparison.Ordinal);
        Assert.Equal("identity,gzip", Assert.Single(response.Headers.GetValues("grpc-accept-encoding")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    public async Task Unary_CompressedFlagWithoutEncoding_Internal(string? encoding)
    {
        using var request = _client.CreateRequest(TestMethods.Size, GrpcTestClient.Frame(GrpcTestClient.Gzip([]), compressedFlag: 1));
        if (encoding is not null)
        {
            request.Headers.Add("grpc-encoding", encoding);
        }

        var response = await _client.SendAsync(request);

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("compressed flag", response.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_InvalidTimeout_IgnoredWithLog()
    {
        using var request = _client.CreateRequest(TestMethods.Unary, GrpcTestClient.Frame(new StringValue { Value = "t" }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "123456789S");

        var response = await _client.SendAsync(request);

        Assert.Equal(0, response.GrpcStatus);
        Assert.Null(_host.Probe.LastContext!.Deadline);
        Assert.Contains(_host.Logs.Entries, e => e.EventId.Id == 1004 && e.Level == LogLevel.Information);
    }

    [Fact]
    public async Task ServerStreaming_ClientCancels_HandlerTokenCancelledAndNoErrorLog()
    {
        using var cts = new CancellationTokenSource();
        using (var response = await _client.StartAsync(TestMethods.Endless, new StringValue(), cts.Token))
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            var first = await GrpcTestClient.ReadFrameAsync(stream, cts.Token);
            Assert.Equal("first", StringValue.Parser.ParseFrom(first).Value);
            await _host.Probe.HandlerStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

            // Cancelling the read aborts the stream: HttpClient sends RST_STREAM.
            await cts.CancelAsync();
        }

        await _host.Probe.HandlerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await _host.Probe.HandlerEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var cancelled = await _host.Logs.WaitForEventAsync(1009);
        Assert.Equal(LogLevel.Debug, cancelled.Level);
        Assert.Empty(_host.Logs.Errors);
    }

    /// <summary>Sends its bytes in small, separately flushed chunks so they arrive in many DATA frames.</summary>
    private sealed class DribbleContent(byte[] data, int chunkSize) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < data.Length; offset += chunkSize)
            {
                await stream.WriteAsync(data.AsMemory(offset, Math.Min(chunkSize, data.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
