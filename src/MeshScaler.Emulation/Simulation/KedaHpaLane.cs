using MeshScaler.Core;

namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// A ScaledObject: KEDA polls <see cref="IExternalScalerSource.GetMetricsAndActivityAsync"/> every pollingInterval for
/// 0 ↔ 1 (and listens to pushes when enabled); the HPA syncs every sync period on the AverageValue metric for 1 ↔ N,
/// through the same call (KEDA's metrics server asks for metrics and activity together and uses the metric). Each fires at
/// its phase in <see cref="ControllerPhases"/>. The HPA only knows its own changes: KEDA's activation from zero is not
/// recorded in its scale-up history, as in Kubernetes.
/// </summary>
internal sealed class KedaHpaLane(string id, FunctionModel model, ControllerPhases phases, IExternalScalerSource source, KedaController keda, HpaController hpa)
    : PolicyLane(id, model, phases)
{
    private DateTimeOffset? _waitingSince;

    public override async Task TickAsync(DateTimeOffset now, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        TrackWaiting(now);
        if (ControllerPhases.IsDue(elapsed, keda.Settings.PollingInterval, Phases.KedaPolling))
        {
            try
            {
                var active = (await source.GetMetricsAndActivityAsync(cancellationToken).WaitAsync(CallGuard, cancellationToken)).Active;
                if (keda.OnPoll(now, active, Model.Requested) is { } replicas)
                {
                    Apply(now, replicas, _waitingSince);
                }
            }
            catch (Exception ex) when (ex is ScalingException or TimeoutException)
            {
                // As KEDA: an error changes nothing (never a scale to zero); the next poll or sync tries again.
                Errors++;
            }
        }

        if (ControllerPhases.IsDue(elapsed, hpa.Settings.SyncPeriod, Phases.HpaSync) && Model.Requested > 0)
        {
            try
            {
                var value = (await source.GetMetricsAndActivityAsync(cancellationToken).WaitAsync(CallGuard, cancellationToken)).Metric;
                var proposal = HpaFormulas.AverageValue(value, source.Target, Model.Requested, hpa.Settings.Tolerance);
                Apply(now, hpa.Decide(now, Model.Requested, proposal), _waitingSince);
            }
            catch (Exception ex) when (ex is ScalingException or TimeoutException)
            {
                Errors++;
            }
        }
    }

    public override void OnPush(DateTimeOffset now, bool active)
    {
        TrackWaiting(now);
        if (keda.OnPush(now, active, Model.Requested) is { } replicas)
        {
            Apply(now, replicas, _waitingSince);
        }
    }

    private void TrackWaiting(DateTimeOffset now)
    {
        if (Model.Requested > 0)
        {
            _waitingSince = null;
        }
        else if (Model.Backlog > 0)
        {
            _waitingSince ??= Model.OldestArrival ?? now;
        }
    }
}
