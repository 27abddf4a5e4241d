using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshScaler.Prometheus.Tests;

public sealed class MeterScopeTests
{
    [Fact]
    public void Scrape_TwoContainersInOneProcess_EachExportsOnlyItsOwnFactorysMeters()
    {
        var prefix = $"MeshScalerScope.{Guid.NewGuid():N}";
        using var first = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var second = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var firstFactory = first.GetRequiredService<IMeterFactory>();
        var options = Options.Create(new PrometheusExpositionOptions { MeterNamePrefix = prefix });
        using var collector = new MetricsCollector(options, new TestLogger<MetricsCollector>(), firstFactory);

        firstFactory.Create(prefix).CreateCounter<long>("calls").Add(3);
        var secondMeter = second.GetRequiredService<IMeterFactory>().Create(prefix);
        secondMeter.CreateCounter<long>("calls").Add(40);

        // A name only the second container has: a same-named counter would be dropped as a conflict even without scoping.
        secondMeter.CreateCounter<long>("other_calls").Add(7);
        using var global = new Meter(prefix + ".Global");
        global.CreateCounter<long>("global_calls").Add(5);

        var text = collector.Scrape();

        Assert.Contains("calls_total 3", text, StringComparison.Ordinal);
        Assert.DoesNotContain("calls_total 40", text, StringComparison.Ordinal);
        Assert.DoesNotContain("calls_total 43", text, StringComparison.Ordinal);
        Assert.DoesNotContain("other_calls", text, StringComparison.Ordinal);
        Assert.Contains("global_calls_total 5", text, StringComparison.Ordinal);
    }
}
