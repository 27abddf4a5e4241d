using MeshScaler.Kubernetes;
using Microsoft.Extensions.Options;

namespace MeshScaler.MetricsApi;

/// <summary>
/// Keeps <c>kube-system/extension-apiserver-authentication</c> read (list, then watch) while the authenticated metrics
/// API is served, and says in the log when a version of it has keys that cannot be used.
/// </summary>
/// <remarks>Resolves the cluster only when it is needed: without the authenticated API, MeshScaler may read no cluster at all.</remarks>
internal sealed class ClusterTrustWatcher(IServiceProvider services, IOptions<MetricsApiOptions> options, TimeProvider time, ILogger<ClusterTrustWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value is not { Enabled: true, Insecure: false })
        {
            return;
        }

        var cluster = services.GetRequiredService<IClusterReviews>();
        var watching = cluster.RunAsync(stoppingToken);
        AuthenticationTrust? seen = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (cluster.Trust is { } trust && !ReferenceEquals(trust, seen))
                {
                    seen = trust;
                    foreach (var problem in trust.Problems)
                    {
                        MetricsApiLog.TrustProblem(logger, problem);
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await watching;
    }
}
