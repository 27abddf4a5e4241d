using System.Collections.Concurrent;
using MeshScaler.Core;

namespace MeshScaler.Engine.Tests;

/// <summary>A Function directory and runner scraper in memory: pods with processed counters the test advances.</summary>
internal sealed class FakeRunners(TimeProvider time) : IFunctionDirectory, IRunnerScraper
{
    private readonly ConcurrentDictionary<string, double> _processed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _failing = new(StringComparer.Ordinal);
    private int _scrapes;

    public List<string> Pods { get; } = [];

    public int Scrapes => Volatile.Read(ref _scrapes);

    public FunctionFacts Resolve(FunctionRef function) =>
        new(function, $"public/default/{function.Name}", null, "sub", new Uri("http://pulsar:8080"));

    IReadOnlyList<RunnerPod> IFunctionDirectory.Pods(FunctionRef function) => [.. Pods.Select(p => new RunnerPod(p, "10.0.0.1", 9094))];

    /// <summary>The store never selects by labels; the metrics API does, with the real directory.</summary>
    public IReadOnlyList<FunctionRef> Select(string @namespace, LabelSelector selector) =>
        throw new NotSupportedException("the Engine does not select runner pods by labels");

    public void SetPods(int count, string function = "f")
    {
        Pods.Clear();
        Pods.AddRange(Enumerable.Range(0, count).Select(i => $"{function}-function-{i}"));
    }

    /// <summary>Every pod processes <paramref name="perPod"/> messages more.</summary>
    public void Process(double perPod)
    {
        foreach (var pod in Pods)
        {
            _processed.AddOrUpdate(pod, perPod, (_, n) => n + perPod);
        }
    }

    public void Fail(string pod, string? error) => _ = error is null ? _failing.TryRemove(pod, out _) : _failing.TryAdd(pod, error);

    public Task<RunnerSample> ScrapeAsync(RunnerPod pod, ComponentKind kind, string fqfn, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _scrapes);
        if (_failing.TryGetValue(pod.Name, out var error))
        {
            throw new ScalingException(ScalingErrorKind.Unavailable, $"runner pod {pod.Name} {error}");
        }

        var processed = _processed.GetValueOrDefault(pod.Name);
        return Task.FromResult(new RunnerSample(pod.Name, pod.Name[^1..], processed, processed, 0, 0, processed * 5, processed, time.GetUtcNow()));
    }
}
