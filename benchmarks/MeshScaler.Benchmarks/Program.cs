using BenchmarkDotNet.Running;
using MeshScaler.Benchmarks;

// load  : the real host on loopback (GetMetrics vs a no-op method, upstream requests per poll, open streams)
// cache-memory : MeshScaler as its own process watching 10,000 Functions and 30,000 runner pods: resident memory
// scrape       : MeshScaler as its own process scraping 1,000 runner pods per PollInterval: CPU share, round times
// micro : BenchmarkDotNet over the hot paths (metadata parsing, signal computation)
var mode = args.Length > 0 ? args[0] : "load";
switch (mode)
{
    case "load":
        return await LoadDriver.RunAsync(args[1..]);
    case "cache-memory":
        return await CacheMemoryBenchmark.RunAsync(args[1..]);
    case "scrape":
        return await ScrapeRoundBenchmark.RunAsync(args[1..]);
    case "micro":
        BenchmarkSwitcher.FromAssembly(typeof(LoadDriver).Assembly).Run(args[1..]);
        return 0;
    default:
        Console.Error.WriteLine("usage: MeshScaler.Benchmarks [load [--seconds N] [--concurrency N] [--streams N] | cache-memory [--functions N] [--pods-per-function N] [--namespaces N] [--settle-seconds N] | scrape [--functions N] [--pods-per-function N] [--seconds N] [--poll-seconds N] | micro [BenchmarkDotNet args]]");
        return 2;
}
