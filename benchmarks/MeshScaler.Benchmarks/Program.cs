using BenchmarkDotNet.Running;
using MeshScaler.Benchmarks;

// load  : the real host on loopback (GetMetrics vs a no-op method, upstream requests per poll, open streams)
// micro : BenchmarkDotNet over the hot paths (metadata parsing, signal computation)
var mode = args.Length > 0 ? args[0] : "load";
switch (mode)
{
    case "load":
        return await LoadDriver.RunAsync(args[1..]);
    case "micro":
        BenchmarkSwitcher.FromAssembly(typeof(LoadDriver).Assembly).Run(args[1..]);
        return 0;
    default:
        Console.Error.WriteLine("usage: MeshScaler.Benchmarks [load [--seconds N] [--concurrency N] [--streams N] | micro [BenchmarkDotNet args]]");
        return 2;
}
