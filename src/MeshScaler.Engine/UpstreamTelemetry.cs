using Microsoft.Extensions.Logging;

namespace MeshScaler.Engine;

/// <summary>Metrics and logs for one real upstream fetch of any subject, whoever started it (a cold request or the poll loop).</summary>
internal sealed class UpstreamTelemetry(EngineMetrics metrics, ILogger logger)
{
    public void Observe(ISubject subject, FetchFailure? failure, bool previouslyFailed)
    {
        var cluster = subject.Cluster.Name;
        if (failure is null)
        {
            metrics.UpstreamRequest(cluster, subject.Kind, "ok");
            if (previouslyFailed)
            {
                EngineLog.SourceRecovered(logger, subject.Name, cluster);
            }

            return;
        }

        var error = failure.Error;
        metrics.UpstreamRequest(cluster, subject.Kind, EngineMetrics.Outcome(error.Kind));
        if (failure.Unexpected)
        {
            EngineLog.SourceBug(logger, subject.Name, cluster, error.InnerException ?? error);
        }
        else if (!previouslyFailed)
        {
            // One Warning per outage; repeats are Debug, and the upstream-requests metric carries the rate.
            EngineLog.SourceFailed(logger, subject.Name, cluster, error.Message);
        }
        else
        {
            EngineLog.SourceStillFailing(logger, subject.Name, cluster, error.Message);
        }
    }
}
