using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Keda;

namespace MeshScaler.FunctionalTests;

/// <summary>The gRPC host on Grpc.AspNetCore: health, reflection, RPC metrics for every call, limits and multiplexing.</summary>
public sealed class GrpcHostTests
{
    private const string GetMetrics = "/externalscaler.ExternalScaler/GetMetrics";
    private const string StreamIsActive = "/externalscaler.ExternalScaler/StreamIsActive";
    private const string Topic = "persistent://public/default/orders";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static ScaledObjectRef Ref(ScalerHost host, string topic = Topic, int index = 0)
    {
        var reference = new ScaledObjectRef { Name = $"so-{index}", Namespace = "fm" };
        reference.ScalerMetadata.Add("adminURL", host.AdminUrl);
        reference.ScalerMetadata.Add("topic", topic);
        reference.ScalerMetadata.Add("subscription", "sub");
        return reference;
    }

    [Theory]
    [InlineData("")]
    [InlineData("externalscaler.ExternalScaler")]
    public async Task HealthCheck_Started_Serving(string service)
    {
        await using var host = await ScalerHost.StartAsync();
        var health = new Health.HealthClient(host.Grpc.Channel);

        var response = await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow + Timeout);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task HealthCheck_UnknownService_NotFound()
    {
        await using var host = await ScalerHost.StartAsync();
        var health = new Health.HealthClient(host.Grpc.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task HealthWatch_ServingThenEndsOnShutdown()
    {
        await using var host = await ScalerHost.StartAsync();
        var health = new Health.HealthClient(host.Grpc.Channel);
        using var cts = new CancellationTokenSource(Timeout * 2);
        using var watch = health.Watch(new HealthCheckRequest(), cancellationToken: cts.Token);

        var statuses = new List<HealthCheckResponse.Types.ServingStatus>();
        while (await watch.ResponseStream.MoveNext(cts.Token))
        {
            statuses.Add(watch.ResponseStream.Current.Status);
            if (statuses[^1] == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                break;
            }
        }

        var stop = host.App.StopAsync();
        while (await watch.ResponseStream.MoveNext(cts.Token))
        {
            statuses.Add(watch.ResponseStream.Current.Status);
        }

        await stop.WaitAsync(Timeout);
        Assert.Contains(HealthCheckResponse.Types.ServingStatus.Serving, statuses);
        Assert.Equal(StatusCode.OK, watch.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Reflection_ListsTheServicesWithoutTheProtoFile()
    {
        await using var host = await ScalerHost.StartAsync();
        var reflection = new ServerReflection.ServerReflectionClient(host.Grpc.Channel);
        using var call = reflection.ServerReflectionInfo(deadline: DateTime.UtcNow + Timeout);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        // Read the call to its end, so the server has finished it before the host stops: stopping it mid-call faulted
        // the connection and logged an Error, which the host's disposal rightly refuses.
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Contains("externalscaler.ExternalScaler", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task RpcMetrics_CallsRefusedBeforeAHandler_AreCountedByStatus()
    {
        await using var host = await ScalerHost.StartAsync((settings, _) => settings["MeshScaler:Grpc:MaxReceiveMessageSize"] = "1000");

        var unknown = await host.Grpc.UnaryAsync("/externalscaler.ExternalScaler/NoSuchMethod", new ScaledObjectRef(), IsActiveResponse.Parser);
        using var wrongType = await host.Grpc.PostRawAsync(GetMetrics, [0, 0, 0, 0, 0], "application/json");
        var big = Ref(host);
        big.ScalerMetadata["padding"] = new string('x', 5000);
        var tooLarge = await host.Grpc.UnaryAsync(GetMetrics, new GetMetricsRequest { ScaledObjectRef = big }, GetMetricsResponse.Parser);

        Assert.Equal(12, unknown.Status);
        Assert.Equal(System.Net.HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal(8, tooLarge.Status);
        var scrape = await ScrapeUntilAsync(host, "meshscaler_rpc_requests_total{method=\"GetMetrics\",status=\"RESOURCE_EXHAUSTED\"} 1");
        Assert.Contains("meshscaler_rpc_requests_total{method=\"unknown\",status=\"UNIMPLEMENTED\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("meshscaler_rpc_requests_total{method=\"GetMetrics\",status=\"INTERNAL\"} 1", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deadline_SlowPulsar_DeadlineExceededAndCounted()
    {
        await using var host = await ScalerHost.StartAsync((settings, _) => settings["MeshScaler:Pulsar:RequestTimeout"] = "00:00:05");
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.SetFault(EmulatorFault.Slow(TimeSpan.FromSeconds(3)));

        // A deadline long enough that the request's transit on a busy machine (the whole suite on two cores) stays well
        // under half of it: the server counts a reset in the second half of the budget as the deadline (see
        // RpcMetricsMiddleware), and with 300 ms a slow transit once made it CANCELLED.
        var result = await host.Grpc.UnaryAsync(GetMetrics, new GetMetricsRequest { ScaledObjectRef = Ref(host) }, GetMetricsResponse.Parser, TimeSpan.FromSeconds(2));

        Assert.Equal(4, result.Status);
        await ScrapeUntilAsync(host, "meshscaler_rpc_requests_total{method=\"GetMetrics\",status=\"DEADLINE_EXCEEDED\"} 1");
    }

    [Fact]
    public async Task GzipRequest_IsDecompressed()
    {
        // Framed by hand, so the test knows the request really was compressed: flag 1, a gzip payload, grpc-encoding.
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetSubscription(Topic, "sub", backlog: 42);
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest))
        {
            new GetMetricsRequest { ScaledObjectRef = Ref(host) }.WriteTo(gzip);
        }

        var payload = compressed.ToArray();
        var frame = new byte[5 + payload.Length];
        frame[0] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, GetMetrics)
        {
            Content = new ByteArrayContent(frame),
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.Add("grpc-encoding", "gzip");
        request.Headers.TE.ParseAdd("trailers");

        using var response = await host.Grpc.Raw.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Equal(0, body[0]);
        Assert.Equal(42, GetMetricsResponse.Parser.ParseFrom(body.AsSpan(5)).MetricValues.Single().MetricValueFloat);
    }

    [Fact]
    public async Task StreamIsActive_ManyStreamsOnOneConnection_AllGetTheirFirstAnswer()
    {
        // Beyond Kestrel's default of 100 streams per HTTP/2 connection: KEDA multiplexes every trigger on one.
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetSubscription(Topic, "sub", backlog: 1);
        using var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false };
        using var channel = GrpcChannel.ForAddress(host.Grpc.Address, new GrpcChannelOptions { HttpHandler = handler });
        var client = new ExternalScaler.ExternalScalerClient(channel);
        using var cts = new CancellationTokenSource(Timeout * 3);

        var streams = Enumerable.Range(0, 150).Select(i => client.StreamIsActive(Ref(host, index: i), cancellationToken: cts.Token)).ToList();
        try
        {
            foreach (var stream in streams)
            {
                Assert.True(await stream.ResponseStream.MoveNext(cts.Token));
                Assert.True(stream.ResponseStream.Current.Result);
            }

            await ScrapeUntilAsync(host, "meshscaler_rpc_open_streams 150");
        }
        finally
        {
            streams.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task RpcMetrics_StreamLatency_RunsToItsFirstAnswerNotItsEnd()
    {
        await using var host = await ScalerHost.StartAsync();
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetSubscription(Topic, "sub", backlog: 1);
        using (var stream = host.Grpc.Stream(StreamIsActive, Ref(host), IsActiveResponse.Parser))
        {
            Assert.True((await stream.ReadAsync(Timeout))!.Result);
            await Task.Delay(TimeSpan.FromSeconds(1.5));
        }

        // Open for 1.5 s; its first answer came well within 1 s.
        await ScrapeUntilAsync(host, "meshscaler_rpc_duration_seconds_bucket{method=\"StreamIsActive\",status=\"CANCELLED\",le=\"1\"} 1");
    }

    public static TheoryData<StatusCode, string> StatusNames => new()
    {
        { StatusCode.OK, "OK" }, { StatusCode.Cancelled, "CANCELLED" }, { StatusCode.Unknown, "UNKNOWN" },
        { StatusCode.InvalidArgument, "INVALID_ARGUMENT" }, { StatusCode.DeadlineExceeded, "DEADLINE_EXCEEDED" },
        { StatusCode.NotFound, "NOT_FOUND" }, { StatusCode.AlreadyExists, "ALREADY_EXISTS" },
        { StatusCode.PermissionDenied, "PERMISSION_DENIED" }, { StatusCode.ResourceExhausted, "RESOURCE_EXHAUSTED" },
        { StatusCode.FailedPrecondition, "FAILED_PRECONDITION" }, { StatusCode.Aborted, "ABORTED" },
        { StatusCode.OutOfRange, "OUT_OF_RANGE" }, { StatusCode.Unimplemented, "UNIMPLEMENTED" },
        { StatusCode.Internal, "INTERNAL" }, { StatusCode.Unavailable, "UNAVAILABLE" }, { StatusCode.DataLoss, "DATA_LOSS" },
        { StatusCode.Unauthenticated, "UNAUTHENTICATED" },
    };

    [Theory]
    [MemberData(nameof(StatusNames))]
    public void ToCanonicalName_EveryCode_IsTheSpecName(StatusCode code, string name) => Assert.Equal(name, code.ToCanonicalName());

    private static async Task<string> ScrapeUntilAsync(ScalerHost host, string line)
    {
        var deadline = DateTime.UtcNow + Timeout;
        string scrape;
        do
        {
            scrape = await host.Http.GetStringAsync("/metrics");
            if (scrape.Contains(line, StringComparison.Ordinal))
            {
                return scrape;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"not found: {line}\n" + string.Join("\n", scrape.Split('\n').Where(l => l.StartsWith("meshscaler_rpc_requests", StringComparison.Ordinal))));
        return scrape;
    }
}
