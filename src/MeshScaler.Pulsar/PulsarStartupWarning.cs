using Microsoft.Extensions.Hosting;

namespace MeshScaler.Pulsar;

/// <summary>Logs at start, not at the first ScaledObject, that no cluster restricts where adminURLs may point.</summary>
internal sealed class PulsarStartupWarning : IHostedService
{
    private readonly PulsarClusterDirectory _directory;

    public PulsarStartupWarning(PulsarClusterDirectory directory)
    {
        _directory = directory;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _directory.WarnIfUnconfigured();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
