using MeshScaler.Core;
using MeshScaler.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MeshScaler.Engine.Tests;

/// <summary>A store over the fake admin and a manual clock.</summary>
internal sealed class StoreFixture : IDisposable
{
    public StoreFixture(SignalStoreOptions? options = null, int maxTargetSeries = EngineMetrics.DefaultMaxTargetSeries)
    {
        Options = options ?? new SignalStoreOptions();
        Runners = new FakeRunners(Time);
        Store = new SignalStore(Admin, new FakeClusterResolver(), Microsoft.Extensions.Options.Options.Create(Options), Time,
            NullLogger<SignalStore>.Instance, new EngineMetrics(Registry, MetricsLogger, maxTargetSeries), Runners, Runners);
    }

    /// <summary>Function Mesh resources and their runner pods, in memory.</summary>
    public FakeRunners Runners { get; }

    /// <summary>The store's own registry, as a host's: what <c>/metrics</c> would serve.</summary>
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public TestLogger<EngineMetrics> MetricsLogger { get; } = new();

    public FakePulsarAdmin Admin { get; } = new();

    public ManualTimeProvider Time { get; } = new();

    public SignalStoreOptions Options { get; }

    public SignalStore Store { get; }

    public static ScaleTarget Target(string metadataTopicKey = "topic", string topic = "public/default/orders", params (string Key, string Value)[] extra)
    {
        var metadata = new Dictionary<string, string>
        {
            ["adminURL"] = "http://pulsar:8080",
            [metadataTopicKey] = topic,
            ["subscription"] = "sub",
        };
        foreach (var (key, value) in extra)
        {
            metadata[key] = value;
        }

        var result = TriggerMetadata.Parse(metadata);
        return result.Target ?? throw new InvalidOperationException(result.ErrorMessage);
    }

    /// <summary>
    /// 100 topics with a backlog, and 1,000 triggers over them (ten per topic, each with its own threshold, so ten
    /// distinct questions per topic): the shape of the upstream-load guarantees.
    /// </summary>
    public List<ScaleTarget> ThousandTargetsOverHundredTopics()
    {
        var topics = Enumerable.Range(0, 100).Select(i => new TopicName("public", "default", $"t{i}")).ToList();
        foreach (var topic in topics)
        {
            Admin.Set(topic, rateIn: 1, backlog: 5);
        }

        return [.. Enumerable.Range(0, 1000)
            .Select(i => Target(topic: topics[i % 100].FullName, extra: ("msgBacklogThreshold", $"{(i / 100) + 1}")))];
    }

    /// <summary>The registry's exposition, as a scrape of <c>/metrics</c> would read it.</summary>
    public async Task<string> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Moves the clock by one poll interval and runs the poll round it would trigger.</summary>
    public async Task PollAsync(TimeSpan? by = null)
    {
        Time.Advance(by ?? Options.PollInterval);
        await Store.PollOnceAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        Store.Dispose();
    }
}
