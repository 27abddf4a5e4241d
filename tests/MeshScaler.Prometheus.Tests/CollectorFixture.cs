using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace MeshScaler.Prometheus.Tests;

/// <summary>
/// A collector scoped to meters with a prefix unique to one test, so tests running in parallel (each with its own
/// MeterListener, all process-wide) never see each other's instruments.
/// </summary>
internal sealed class CollectorFixture : IDisposable
{
    private MetricsCollector? _collector;

    public CollectorFixture(int maxSeriesPerInstrument = 1000, bool startCollector = true)
    {
        Prefix = $"MeshScalerTest.{Guid.NewGuid():N}";
        Meter = new Meter(Prefix);
        MaxSeriesPerInstrument = maxSeriesPerInstrument;
        if (startCollector)
        {
            StartCollector();
        }
    }

    public string Prefix { get; }

    public Meter Meter { get; }

    public int MaxSeriesPerInstrument { get; }

    public TestLogger<MetricsCollector> Logger { get; } = new();

    public MetricsCollector Collector => _collector ?? throw new InvalidOperationException("The collector was not started.");

    public void StartCollector()
    {
        var options = Options.Create(new PrometheusExpositionOptions
        {
            MeterNamePrefix = Prefix,
            MaxSeriesPerInstrument = MaxSeriesPerInstrument,
        });
        _collector = new MetricsCollector(options, Logger);
    }

    public void Dispose()
    {
        Meter.Dispose();
        _collector?.Dispose();
    }
}
