using MeshScaler.Core;
using MeshScaler.Emulation.Kubernetes;
using Microsoft.Extensions.Options;

namespace MeshScaler.Prometheus.Tests;

/// <summary>The scraper against emulated runner pods over real HTTP on loopback.</summary>
public sealed class RunnerScraperTests
{
    private const string Fqfn = "public/default/order-enricher";

    private static RunnerScraper Scraper(bool openMetrics = false, double timeoutSeconds = 2) =>
        new(Options.Create(new RunnerScrapeOptions { OpenMetrics = openMetrics, ScrapeTimeout = TimeSpan.FromSeconds(timeoutSeconds) }), TimeProvider.System);

    [Theory]
    [InlineData(RunnerFlavor.Java, false)]
    [InlineData(RunnerFlavor.Java, true)]
    [InlineData(RunnerFlavor.Python, false)]
    [InlineData(RunnerFlavor.Go, true)]
    public async Task Scrape_EveryRuntime_ReadsTheCounters(RunnerFlavor flavor, bool openMetrics)
    {
        await using var pods = await EmulatedRunnerPods.StartAsync(2, Fqfn, flavor);
        pods.Process(1, 1234, latencyMs: 2.5, userExceptions: 3);
        using var scraper = Scraper(openMetrics);

        var sample = await scraper.ScrapeAsync(new RunnerPod("order-enricher-function-1", "127.0.0.1", pods.Ports[1]), ComponentKind.Function, Fqfn, default);

        Assert.Equal("1", sample.InstanceId);
        Assert.Equal(1234, sample.Processed);
        Assert.Equal(1237, sample.Received);
        Assert.Equal(3, sample.UserExceptions);
        Assert.Equal(3085, sample.LatencySumMs);
        Assert.Equal(1234, sample.LatencyCount);
    }

    [Theory]
    [InlineData(RunnerFault.ServerError, 10, "runner pod p answered HTTP 500 on http://127.0.0.1:")]
    [InlineData(RunnerFault.Garbage, 10, "runner pod p served an unparsable exposition on http://127.0.0.1:")]
    [InlineData(RunnerFault.Hang, 0.3, "runner pod p did not answer within 0.3 s on http://127.0.0.1:")]
    public async Task Scrape_BadPod_UnavailableNamingThePod(RunnerFault fault, double timeoutSeconds, string message)
    {
        await using var pods = await EmulatedRunnerPods.StartAsync(1, Fqfn);
        pods.SetFault(0, fault);
        using var scraper = Scraper(timeoutSeconds: timeoutSeconds);

        var error = await Assert.ThrowsAsync<ScalingException>(() => scraper.ScrapeAsync(new RunnerPod("p", "127.0.0.1", pods.Ports[0]), ComponentKind.Function, Fqfn, default));

        Assert.Equal(ScalingErrorKind.Unavailable, error.Kind);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_PodWithoutIp_NamesIt()
    {
        using var scraper = Scraper();

        var error = await Assert.ThrowsAsync<ScalingException>(() => scraper.ScrapeAsync(new RunnerPod("p-function-2", null, 9094), ComponentKind.Function, Fqfn, default));

        Assert.Equal("runner pod p-function-2 has no IP yet (not scheduled or not started)", error.Message);
    }

    [Fact]
    public async Task Scrape_NothingListening_NamesThePodAndUrl()
    {
        int port;
        await using (var pods = await EmulatedRunnerPods.StartAsync(1, Fqfn))
        {
            port = pods.Ports[0];
        }

        using var scraper = Scraper();

        var error = await Assert.ThrowsAsync<ScalingException>(() => scraper.ScrapeAsync(new RunnerPod("p", "127.0.0.1", port), ComponentKind.Function, Fqfn, default));

        Assert.StartsWith($"runner pod p cannot be scraped on http://127.0.0.1:{port}/metrics", error.Message, StringComparison.Ordinal);
    }
}
