using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Engine;

/// <summary>
/// Runs <see cref="SignalStore.PollOnceAsync"/> every <see cref="SignalStoreOptions.WakePollInterval"/> on the injected
/// clock; the store decides per subject whether it is due (most are due once per <see cref="SignalStoreOptions.PollInterval"/>).
/// </summary>
internal sealed partial class SignalPoller(SignalStore store, TimeProvider time, ILogger<SignalPoller> logger) : BackgroundService
{
    /// <remarks>
    /// Stopping ends the loop normally, never with <see cref="OperationCanceledException"/>: a host that failed to start
    /// (a port in use) stops its services without a stop call, and would report a cancelled loop as a failed service.
    /// </remarks>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(store.Options.WakePollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await store.PollOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // One bad round must not stop polling: the next tick tries again.
                    LogPollFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(3050, LogLevel.Error, "A poll round failed unexpectedly")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
