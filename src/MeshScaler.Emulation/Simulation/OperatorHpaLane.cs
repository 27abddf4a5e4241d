using MeshScaler.Core;

namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// The Function Mesh operator's HPA on MeshScaler's Object metric <c>meshscaler_replicas_needed</c> with target
/// <c>AverageValue: 1</c>, as <c>deploy/examples/function-autoscaling-metrics.yaml</c> sets it through
/// <c>spec.pod.autoScalingMetrics</c>: it syncs every sync period on the value the metrics API serves (capacity mode's
/// unrounded need, from the same Engine cache), min 1 replica (the operator's webhook refuses 0), no KEDA, no push.
/// </summary>
internal sealed class OperatorHpaLane : PolicyLane
{
    /// <summary>The example's target: one replica per unit of need, so the HPA asks for the need's ceiling.</summary>
    public const double Target = 1;

    private readonly IExternalScalerSource _source;
    private readonly HpaController _hpa;

    public OperatorHpaLane(string id, FunctionModel model, ControllerPhases phases, IExternalScalerSource source, HpaController hpa, DateTimeOffset now)
        : base(id, model, phases)
    {
        _source = source;
        _hpa = hpa;
        model.SetReplicas(hpa.Settings.MinReplicas, now);
    }

    public override async Task TickAsync(DateTimeOffset now, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        if (!ControllerPhases.IsDue(elapsed, _hpa.Settings.SyncPeriod, Phases.HpaSync))
        {
            return;
        }

        try
        {
            var value = (await _source.GetMetricsAndActivityAsync(cancellationToken).WaitAsync(CallGuard, cancellationToken)).Metric;
            var proposal = HpaFormulas.AverageValue(value, Target, Model.Requested, _hpa.Settings.Tolerance);
            Apply(now, _hpa.Decide(now, Model.Requested, proposal), null);
        }
        catch (Exception ex) when (ex is ScalingException or TimeoutException)
        {
            // As the HPA: a failed metric read changes nothing (the HPA reports FailedGetObjectMetric and keeps the count).
            Errors++;
        }
    }
}
