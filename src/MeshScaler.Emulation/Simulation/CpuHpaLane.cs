namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// Function Mesh's default: an HPA on CPU at a utilization target, where utilization = processed / (ready replicas ×
/// per-replica rate) over the last sync period. Min 1: it cannot scale to zero.
/// </summary>
internal sealed class CpuHpaLane : PolicyLane
{
    private readonly HpaController _hpa;
    private readonly double _target;
    private long _processedSinceSync;
    private double _readySecondsSinceSync;

    public CpuHpaLane(string id, FunctionModel model, ControllerPhases phases, HpaController hpa, double target, DateTimeOffset now)
        : base(id, model, phases)
    {
        _hpa = hpa;
        _target = target;
        model.SetReplicas(hpa.Settings.MinReplicas, now);
    }

    /// <summary>Called after each model step to accumulate what metrics-server would see.</summary>
    public void Observe(TimeSpan dt)
    {
        _processedSinceSync += Model.LastProcessed;
        _readySecondsSinceSync += Model.Ready * dt.TotalSeconds;
    }

    public override Task TickAsync(DateTimeOffset now, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        if (!ControllerPhases.IsDue(elapsed, _hpa.Settings.SyncPeriod, Phases.HpaSync))
        {
            return Task.CompletedTask;
        }

        var ready = Model.Ready;
        if (_readySecondsSinceSync > 0 && ready > 0)
        {
            var utilization = _processedSinceSync / (_readySecondsSinceSync * Model.Options.PerReplicaRate);
            var proposal = HpaFormulas.Utilization(utilization, _target, Model.Requested, ready, _hpa.Settings.Tolerance);
            Model.SetReplicas(_hpa.Decide(now, Model.Requested, proposal), now);
        }

        _processedSinceSync = 0;
        _readySecondsSinceSync = 0;
        return Task.CompletedTask;
    }
}
