using MeshScaler.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MeshScaler.Pulsar.Tests;

public sealed class PulsarServiceCollectionExtensionsTests
{
    [Fact]
    public void AddPulsarAdmin_BindsSectionAndRegistersServices()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["MeshScaler:Pulsar:RequestTimeout"] = "00:00:05",
            ["MeshScaler:Pulsar:MaxRetries"] = "1",
            ["MeshScaler:Pulsar:PollInterval"] = "00:00:10",
            ["MeshScaler:Pulsar:Clusters:prod:AdminUrl"] = "http://broker:8080",
        });

        var options = provider.GetRequiredService<IOptions<PulsarOptions>>().Value;
        var resolver = provider.GetRequiredService<IPulsarClusterResolver>();

        Assert.Equal(TimeSpan.FromSeconds(5), options.RequestTimeout);
        Assert.Equal(1, options.MaxRetries);
        Assert.Equal("http://broker:8080", options.Clusters["PROD"].AdminUrl);
        Assert.IsType<PulsarAdminClient>(provider.GetRequiredService<IPulsarAdmin>());
        Assert.Equal("prod", resolver.Resolve(new Uri("http://broker:8080/"), null).Name);
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is PulsarStartupWarning);
    }

    [Fact]
    public void AddPulsarAdmin_InvalidConfiguration_EveryFailureNamed()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["MeshScaler:Pulsar:RequestTimeout"] = "00:00:00",
            ["MeshScaler:Pulsar:Clusters:prod:AdminUrl"] = "not a url",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PulsarOptions>>().Value);

        Assert.Equal(
            [
                "MeshScaler:Pulsar:RequestTimeout: must be greater than zero (was 00:00:00)",
                "MeshScaler:Pulsar:Clusters:prod:AdminUrl: must be an absolute http or https URL (was \"not a url\")",
            ],
            ex.Failures);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddPulsarAdmin();
        return services.BuildServiceProvider();
    }
}
