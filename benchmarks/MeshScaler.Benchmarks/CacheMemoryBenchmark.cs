using System.Globalization;
using System.Text.RegularExpressions;
using MeshScaler.Emulation.Kubernetes;

namespace MeshScaler.Benchmarks;

/// <summary>
/// The issue's memory bound: MeshScaler watching 10,000 Functions with 30,000 runner pods (3 each) in its caches, at
/// most 200 MB resident for the whole process. The fake API server (this process) holds the cluster; MeshScaler runs
/// as its own process and lists and watches it as it would a real one. Prints a Markdown table.
/// </summary>
internal static partial class CacheMemoryBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var functions = BenchmarkArgs.Option(args, "--functions", 10_000);
        var podsPerFunction = BenchmarkArgs.Option(args, "--pods-per-function", 3);
        var namespaces = BenchmarkArgs.Option(args, "--namespaces", 100);
        var settle = BenchmarkArgs.Option(args, "--settle-seconds", 30);

        await using var cluster = await FakeKubernetesApiServer.StartAsync();
        for (var n = 0; n < namespaces; n++)
        {
            cluster.Apply("configmaps", FunctionMeshObjects.ConfigMap($"team-{n}", "pulsar-config", "http://pulsar-broker.pulsar.svc:8080"));
        }

        for (var f = 0; f < functions; f++)
        {
            var ns = $"team-{f % namespaces}";
            var name = $"fn-{f}";
            cluster.Apply("functions", FunctionMeshObjects.Function(ns, name, [$"persistent://public/default/{name}-in", $"persistent://public/default/{name}-retry"], replicas: podsPerFunction));
            for (var p = 0; p < podsPerFunction; p++)
            {
                cluster.Apply("pods", FunctionMeshObjects.RunnerPod(ns, name, p, $"10.{f / 250 % 256}.{f % 250}.{p + 1}"));
            }
        }

        var started = DateTime.UtcNow;
        using var meshScaler = await MeshScalerProcess.StartAsync(new Dictionary<string, string>
        {
            ["MeshScaler:Kubernetes:Server"] = cluster.BaseAddress.ToString(),
            ["MeshScaler:Pulsar:Clusters:bench:AdminUrl"] = "http://pulsar-broker.pulsar.svc:8080",
        });
        var before = meshScaler.Memory();

        // Synced: every object of both large kinds is in the caches, as /metrics reports them.
        while (true)
        {
            var scrape = await meshScaler.Http.GetStringAsync("/metrics");
            if (Objects(scrape, "functions.compute.functionmesh.io") == functions && Objects(scrape, "pods") == functions * podsPerFunction)
            {
                break;
            }

            if (DateTime.UtcNow - started > TimeSpan.FromMinutes(3))
            {
                Console.Error.WriteLine("the caches did not fill within 3 minutes:\n" + scrape);
                return 1;
            }

            await Task.Delay(250);
        }

        var synced = DateTime.UtcNow - started;
        var samples = new List<double>();
        for (var s = 0; s < settle; s++)
        {
            await Task.Delay(1000);
            samples.Add(meshScaler.Memory().Rss);
        }

        var after = meshScaler.Memory();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# MeshScaler cache memory ({functions:N0} Functions, {functions * podsPerFunction:N0} runner pods, {namespaces} namespaces; {Environment.ProcessorCount} cores, .NET {Environment.Version})"));
        Console.WriteLine();
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| RSS when ready, caches empty | {before.Rss:0} MiB |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| time from start to every object cached | {synced.TotalSeconds:0.0} s |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| RSS over the {settle} s after (min / max) | {samples.Min():0} / {samples.Max():0} MiB |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| peak RSS of the whole run (VmHWM) | {after.Peak:0} MiB |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| bound | 200 MB = {200_000_000 / 1048576.0:0} MiB: {(after.Peak * 1048576 <= 200_000_000 ? "met" : "NOT met")} |"));
        return after.Peak * 1048576 <= 200_000_000 ? 0 : 1;
    }

    private static double Objects(string scrape, string resource)
    {
        var match = Regex.Match(scrape, $"^meshscaler_kubernetes_objects\\{{resource=\"{Regex.Escape(resource)}\"\\}} (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }
}
