using System.Globalization;

namespace MeshScaler.Benchmarks;

/// <summary>The benchmarks' <c>--name value</c> options.</summary>
internal static class BenchmarkArgs
{
    public static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
