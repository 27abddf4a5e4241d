using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using MeshScaler.Keda;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MeshScaler.Benchmarks;

/// <summary>
/// Measures the real server on loopback, with Grpc.Net.Client over one h2c connection: GetMetrics against the no-op
/// <c>grpc.health.v1.Health/Check</c> on the same server (the ratio is the cost MeshScaler adds over the gRPC library), upstream requests per poll interval for 1,000 ScaledObjects over 100
/// topics, and the cost of open StreamIsActive streams. Prints a Markdown table.
/// </summary>
internal static class LoadDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = BenchmarkArgs.Option(args, "--seconds", 10);
        var concurrency = BenchmarkArgs.Option(args, "--concurrency", 32);
        var streams = BenchmarkArgs.Option(args, "--streams", 2000);

        await using var emulator = await PulsarAdminEmulator.StartAsync();
        for (var t = 0; t < 100; t++)
        {
            var topic = $"persistent://public/default/bench-{t}";
            emulator.State.CreateTopic(topic, partitions: t % 4 == 0 ? 4 : 0);
            emulator.State.SetRates(topic, 100 + t);
            emulator.State.SetSubscription(topic, "public/default/fn", backlog: 1000 + t, msgRateOut: 90, consumers: 2);
        }

        var settings = new Dictionary<string, string?>
        {
            ["MeshScaler:Grpc:Port"] = "0",
            ["MeshScaler:Grpc:Address"] = "127.0.0.1",
            ["MeshScaler:Http:Port"] = "0",
            ["MeshScaler:Http:Address"] = "127.0.0.1",
            ["MeshScaler:Pulsar:PollInterval"] = "00:00:01",
            ["MeshScaler:Pulsar:Clusters:bench:AdminUrl"] = emulator.BaseAddress.ToString().TrimEnd('/'),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var app = MeshScalerApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));
        await app.StartAsync();
        var port = app.Services.GetRequiredService<ListenerEndpoints>().GrpcPort;
        using var channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{port}"));
        var client = new ExternalScaler.ExternalScalerClient(channel);
        var health = new Health.HealthClient(channel);

        Console.WriteLine($"# MeshScaler load benchmark ({Environment.ProcessorCount} cores, {seconds} s per run, {concurrency} concurrent calls, .NET {Environment.Version})");
        Console.WriteLine();

        // 1. GetMetrics vs no-op, same server, same client, same concurrency; the cache is warm (steady state).
        var metricsRequest = new GetMetricsRequest { ScaledObjectRef = Ref(emulator, 0, 0), MetricName = "pulsar-public-default-bench-0-public-default-fn" };
        Func<Task> getMetrics = async () => await client.GetMetricsAsync(metricsRequest);
        await getMetrics();

        var check = new HealthCheckRequest();
        Func<Task> noop = async () => await health.CheckAsync(check);
        await MeasureAsync(noop, concurrency, TimeSpan.FromSeconds(2));
        await MeasureAsync(getMetrics, concurrency, TimeSpan.FromSeconds(2));

        // Alternate the two methods over several rounds so drift (JIT tiers, GC, the other core) hits both alike.
        Console.WriteLine("| round | method | concurrency | calls/s | p50 ms | p99 ms | errors |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var throughputRatios = new List<double>();
        var latencyRatios = new List<double>();
        for (var round = 1; round <= 3; round++)
        {
            var n = await MeasureAsync(noop, concurrency, TimeSpan.FromSeconds(seconds));
            var m = await MeasureAsync(getMetrics, concurrency, TimeSpan.FromSeconds(seconds));
            var n1 = await MeasureAsync(noop, 1, TimeSpan.FromSeconds(seconds / 2.0));
            var m1 = await MeasureAsync(getMetrics, 1, TimeSpan.FromSeconds(seconds / 2.0));
            Row(round, "Health/Check (no-op)", concurrency, n);
            Row(round, "GetMetrics", concurrency, m);
            Row(round, "Health/Check (no-op)", 1, n1);
            Row(round, "GetMetrics", 1, m1);
            throughputRatios.Add(m.PerSecond / n.PerSecond);
            latencyRatios.Add(m1.P50 / n1.P50);
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GetMetrics / no-op (median of 3 rounds): throughput at {concurrency} concurrent {Median(throughputRatios):0.00}, p50 latency at 1 concurrent {Median(latencyRatios):0.00}"));
        Console.WriteLine();

        // 2. 1,000 ScaledObjects (distinct metadata) over 100 topics: upstream requests per poll interval.
        var calls = new List<Task<GetMetricsResponse>>();
        for (var so = 0; so < 1000; so++)
        {
            var request = new GetMetricsRequest { ScaledObjectRef = Ref(emulator, so % 100, so) };
            calls.Add(client.GetMetricsAsync(request).ResponseAsync);
        }

        await Task.WhenAll(calls);

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var before = emulator.RequestCount("/admin/v2/persistent/");
        var window = TimeSpan.FromSeconds(10);
        var keepAsking = KeepAskingAsync(client, emulator, window);
        await Task.Delay(window);
        await keepAsking;
        var upstream = emulator.RequestCount("/admin/v2/persistent/") - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"1,000 ScaledObjects over 100 topics, asked continuously for {window.TotalSeconds:0} s at a 1 s poll interval: {upstream} upstream requests = {upstream / window.TotalSeconds:0.0} per poll interval (ideal: 100)"));
        Console.WriteLine();

        // 3. Open StreamIsActive streams: memory and threads per stream.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var threadsBefore = Process.GetCurrentProcess().Threads.Count;
        using var streamsCts = new CancellationTokenSource();
        var open = new List<AsyncServerStreamingCall<IsActiveResponse>>();
        for (var i = 0; i < streams; i++)
        {
            var stream = client.StreamIsActive(Ref(emulator, i % 100, i), cancellationToken: streamsCts.Token);
            if (!await stream.ResponseStream.MoveNext(streamsCts.Token))
            {
                throw new InvalidOperationException("StreamIsActive ended before its first message");
            }

            open.Add(stream);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        var threadsAfter = Process.GetCurrentProcess().Threads.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{streams} open StreamIsActive streams (client and server in one process): +{(memoryAfter - memoryBefore) / 1024.0 / 1024.0:0.0} MiB managed heap ({(memoryAfter - memoryBefore) / (double)streams / 1024.0:0.0} KiB per stream), threads {threadsBefore} -> {threadsAfter}"));
        await streamsCts.CancelAsync();
        foreach (var stream in open)
        {
            stream.Dispose();
        }

        await app.StopAsync();
        return 0;
    }

    private static async Task KeepAskingAsync(ExternalScaler.ExternalScalerClient client, PulsarAdminEmulator emulator, TimeSpan window)
    {
        var until = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
        var so = 0;
        while (Stopwatch.GetTimestamp() < until)
        {
            var batch = new List<Task<GetMetricsResponse>>();
            for (var i = 0; i < 100; i++, so++)
            {
                var request = new GetMetricsRequest { ScaledObjectRef = Ref(emulator, so % 100, so % 1000) };
                batch.Add(client.GetMetricsAsync(request).ResponseAsync);
            }

            await Task.WhenAll(batch);
        }
    }

    private static ScaledObjectRef Ref(PulsarAdminEmulator emulator, int topic, int scaledObject)
    {
        var reference = new ScaledObjectRef { Name = $"so-{scaledObject}", Namespace = "bench" };
        reference.ScalerMetadata.Add("scalerAddress", "meshscaler:9090");
        reference.ScalerMetadata.Add("adminURL", emulator.BaseAddress.ToString().TrimEnd('/'));
        reference.ScalerMetadata.Add("topic", $"persistent://public/default/bench-{topic}");
        reference.ScalerMetadata.Add("subscription", "public/default/fn");
        reference.ScalerMetadata.Add("msgBacklogThreshold", (10 + (scaledObject / 100)).ToString(CultureInfo.InvariantCulture));
        return reference;
    }

    private sealed record Result(double PerSecond, double P50, double P99, long Errors);

    private static async Task<Result> MeasureAsync(Func<Task> call, int concurrency, TimeSpan duration)
    {
        var latencies = new List<double>[concurrency];
        long errors = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            while (Stopwatch.GetTimestamp() < until)
            {
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    await call();
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref errors);
                }

                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        }).ToList();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToList();
        return new Result(all.Count / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), errors);
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static void Row(int round, string name, int concurrency, Result r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round} | {name} | {concurrency} | {r.PerSecond:0} | {r.P50:0.000} | {r.P99:0.000} | {r.Errors} |"));

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
