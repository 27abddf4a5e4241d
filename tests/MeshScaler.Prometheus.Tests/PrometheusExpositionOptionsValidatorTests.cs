using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshScaler.Prometheus.Tests;

public sealed class PrometheusExpositionOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = new PrometheusExpositionOptionsValidator().Validate(null, new PrometheusExpositionOptions());

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_EveryInvalidSetting_AllReportedByName()
    {
        var options = new PrometheusExpositionOptions { MeterNamePrefix = null!, MaxSeriesPerInstrument = 0 };

        var result = new PrometheusExpositionOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.Contains("PrometheusExpositionOptions.MeterNamePrefix", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("PrometheusExpositionOptions.MaxSeriesPerInstrument", StringComparison.Ordinal) && f.Contains("got 0", StringComparison.Ordinal));
    }

    [Fact]
    public void AddPrometheusExposition_InvalidOptions_ResolvingCollectorThrows()
    {
        using var provider = new ServiceCollection()
            .AddPrometheusExposition(o => o.MaxSeriesPerInstrument = -1)
            .BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MetricsCollector>());

        Assert.Contains("MaxSeriesPerInstrument", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPrometheusExposition_CalledTwice_OneCollectorOneValidator()
    {
        var services = new ServiceCollection().AddPrometheusExposition().AddPrometheusExposition(o => o.MaxSeriesPerInstrument = 5);

        Assert.Single(services, d => d.ServiceType == typeof(MetricsCollector));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<PrometheusExpositionOptions>));
        using var provider = services.BuildServiceProvider();
        Assert.Equal(5, provider.GetRequiredService<IOptions<PrometheusExpositionOptions>>().Value.MaxSeriesPerInstrument);
    }
}
