using MeshScaler.Core;

namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// A ScaledObject: KEDA polls <see cref="IExternalScalerSource.IsActiveAsync"/> every pollingInterval for 0 ↔ 1 (and
/// listens to pushes when enabled); the HPA syncs every sync period on the AverageValue metric for 1 ↔ N.
/// </summary>
internal sealed class KedaHpaLane(string id, FunctionModel model, IExternalScalerSource source, KedaController keda, HpaController hpa)
    : PolicyLane(id, model)
{
    private DateTimeOffset? _waitingSince;

    public KedaController Keda => keda;

    public override async Task TickAsync(DateTimeOffset now, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        TrackWaiting(now);
        if (IsDue(elapsed, keda.Settings.PollingInterval))
        {
            try
            {
                var active = await source.IsActiveAsync(cancellationToken);
                if (keda.OnPoll(now, active, Model.Requested) is { } replicas)
                {
                    hpa.RecordExternalChange(now, Model.Requested, replicas);
                    Apply(now, replicas, _waitingSince);
                }
            }
            catch (ScalingException)
            {
                Errors++;
            }
        }

        if (IsDue(elapsed, hpa.Settings.SyncPeriod) && Model.Requested > 0)
        {
            try
            {
                var value = await source.GetMetricAsync(cancellationToken);
                var proposal = HpaFormulas.AverageValue(value, source.Target, Model.Requested, hpa.Settings.Tolerance);
                Apply(now, hpa.Decide(now, Model.Requested, proposal), _waitingSince);
            }
            catch (ScalingException)
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
            hpa.RecordExternalChange(now, Model.Requested, replicas);
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
