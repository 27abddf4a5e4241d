using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using MeshScaler.Emulation.Kubernetes;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.Keda;

namespace MeshScaler.Benchmarks;

/// <summary>
/// The scrape bound: MeshScaler scraping 1,000 runner pods per PollInterval (20 Functions of 50 pods, each read by
/// five <c>function:</c> capacity triggers that share its rounds). MeshScaler runs as its own process, so its CPU time is its own; the pods and the
/// fake API server run here, and time each Function's round from the pods' side: from the first pod's answer to the
/// last one's. Prints a Markdown table.
/// </summary>
internal static class ScrapeRoundBenchmark
{
    private const string Namespace = "bench";

    /// <summary>Distinct triggers (ScaledObjects with their own threshold) reading each Function: they share its rounds.</summary>
    private const int TriggersPerFunction = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        var functions = BenchmarkArgs.Option(args, "--functions", 20);
        var podsPerFunction = BenchmarkArgs.Option(args, "--pods-per-function", 50);
        var seconds = BenchmarkArgs.Option(args, "--seconds", 120);
        var poll = TimeSpan.FromSeconds(BenchmarkArgs.Option(args, "--poll-seconds", 5));

        await using var pulsar = await PulsarAdminEmulator.StartAsync();
        await using var cluster = await FakeKubernetesApiServer.StartAsync();
        var pods = new List<EmulatedRunnerPods>();
        var adminUrl = pulsar.BaseAddress.ToString().TrimEnd('/');
        cluster.Apply("configmaps", FunctionMeshObjects.ConfigMap(Namespace, "pulsar-config", adminUrl));
        for (var f = 0; f < functions; f++)
        {
            var name = $"fn-{f}";
            var topic = $"persistent://public/default/{name}-in";
            pulsar.State.CreateTopic(topic);
            pulsar.State.SetRates(topic, 2000);
            pulsar.State.SetSubscription(topic, $"public/default/{name}", backlog: 5000, msgRateOut: 1900, consumers: podsPerFunction);
            var runners = await EmulatedRunnerPods.StartAsync(podsPerFunction, $"public/default/{name}");
            pods.Add(runners);
            cluster.Apply("functions", FunctionMeshObjects.Function(Namespace, name, [topic], replicas: podsPerFunction));
            for (var p = 0; p < podsPerFunction; p++)
            {
                cluster.Apply("pods", FunctionMeshObjects.RunnerPod(Namespace, name, p, "127.0.0.1", runners.Ports[p]));
            }
        }

        using var meshScaler = await MeshScalerProcess.StartAsync(new Dictionary<string, string>
        {
            ["MeshScaler:Kubernetes:Server"] = cluster.BaseAddress.ToString(),
            ["MeshScaler:Pulsar:Clusters:bench:AdminUrl"] = adminUrl,
            ["MeshScaler:Pulsar:PollInterval"] = poll.ToString("c", CultureInfo.InvariantCulture),
        });
        using var channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{meshScaler.GrpcPort}"));
        var client = new ExternalScaler.ExternalScalerClient(channel);
        using var stop = new CancellationTokenSource();

        // The pods keep processing, and the triggers keep being asked (as KEDA's poll does), for the whole run.
        var processing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var runners in pods)
                {
                    for (var p = 0; p < podsPerFunction; p++)
                    {
                        runners.Process(p, 40, latencyMs: 20);
                    }
                }

                await Task.Delay(1000, CancellationToken.None);
            }
        });
        var asking = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (var f = 0; f < functions; f++)
                {
                    for (var k = 0; k < TriggersPerFunction; k++)
                    {
                        await client.IsActiveAsync(Trigger(f, k));
                    }
                }

                await Task.Delay(poll, CancellationToken.None);
            }
        });

        // Warm: every pod scraped at least twice (the second round has rates).
        var warm = Stopwatch.StartNew();
        while (pods.Any(r => r.Scrapes < podsPerFunction * 2))
        {
            if (warm.Elapsed > TimeSpan.FromMinutes(2))
            {
                Console.Error.WriteLine("the runner pods were not scraped within 2 minutes: " + await meshScaler.Http.GetStringAsync("/metrics"));
                return 1;
            }

            await Task.Delay(200);
        }

        foreach (var runners in pods)
        {
            runners.RecordServes();
        }

        var cpuBefore = meshScaler.CpuTime();
        var wall = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var cpu = meshScaler.CpuTime() - cpuBefore;
        var elapsed = wall.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(processing, asking);

        var rounds = new List<double>();
        var served = 0;
        foreach (var runners in pods)
        {
            var times = runners.Served;
            served += times.Length;
            rounds.AddRange(Rounds(times, poll / 2));
            await runners.DisposeAsync();
        }

        rounds.Sort();
        var totalPods = functions * podsPerFunction;
        var intervals = elapsed / poll;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# MeshScaler runner scrape rounds ({totalPods:N0} pods = {functions} Functions × {podsPerFunction}, PollInterval {poll.TotalSeconds:0} s, {elapsed.TotalSeconds:0} s measured; {Environment.ProcessorCount} cores, .NET {Environment.Version})"));
        Console.WriteLine();
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| scrapes per PollInterval | {served / intervals:0} for {totalPods} pods (a window of {intervals:0.#} intervals holds a round more or less at its edges) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| scrapes per Function round | {(double)served / rounds.Count:0.0} (pods per Function: {podsPerFunction}; {TriggersPerFunction} triggers read each Function) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| MeshScaler CPU | {cpu.TotalSeconds:0.0} s in {elapsed.TotalSeconds:0} s = {cpu / elapsed * 100:0.0} % of one core, {cpu / elapsed / Environment.ProcessorCount * 100:0.0} % of the machine |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Function rounds ({podsPerFunction} pods each) | {rounds.Count} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| round time p50 / p99 / max | {Percentile(rounds, 0.50) * 1000:0} / {Percentile(rounds, 0.99) * 1000:0} / {rounds[^1] * 1000:0} ms |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| RSS | {meshScaler.Memory().Rss:0} MiB |"));
        return 0;
    }

    private static ScaledObjectRef Trigger(int function, int trigger) => new()
    {
        Name = $"fn-{function}-{trigger}",
        Namespace = Namespace,
        ScalerMetadata =
        {
            ["function"] = $"fn-{function}",
            ["scalingMode"] = "capacity",
            ["msgBacklogThreshold"] = (100 + trigger).ToString(CultureInfo.InvariantCulture),
        },
    };

    /// <summary>One Function's rounds: answers closer together than <paramref name="gap"/> belong to one round; its time is first to last answer.</summary>
    private static IEnumerable<double> Rounds(long[] served, TimeSpan gap)
    {
        if (served.Length == 0)
        {
            yield break;
        }

        Array.Sort(served);
        var first = served[0];
        var last = served[0];
        foreach (var at in served.Skip(1))
        {
            if (Stopwatch.GetElapsedTime(last, at) > gap)
            {
                yield return Stopwatch.GetElapsedTime(first, last).TotalSeconds;
                first = at;
            }

            last = at;
        }

        yield return Stopwatch.GetElapsedTime(first, last).TotalSeconds;
    }

    private static double Percentile(List<double> sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
}
