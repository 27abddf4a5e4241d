using System.Threading.Channels;
using Grpc.Core;
using MeshScaler.Emulation.Simulation;
using MeshScaler.Keda;

namespace MeshScaler.Simulation;

/// <summary>
/// KEDA and the HPA it creates, driven by MeshScaler's gRPC answers: IsActive on each poll, GetMetrics on each HPA
/// sync, and the StreamIsActive push, read on its own task and drained by the loop so one loop makes every decision.
/// </summary>
internal sealed class KedaDemoAutoscaler : IDemoAutoscaler
{
    private readonly KedaSettings _settings;
    private readonly TimeSpan _syncPeriod;
    private readonly KedaController _keda;
    private readonly HpaController _hpa;
    private readonly GrpcScalerSource _source;
    private readonly Channel<bool> _pushes = Channel.CreateUnbounded<bool>();
    private readonly CancellationTokenSource _stop;
    private readonly Task _pump;
    private bool _active;

    public KedaDemoAutoscaler(KedaGrpcClient client, ScaledObjectRef scaledObject, MetricSpec spec, KedaSettings settings, HpaController hpa, TimeSpan syncPeriod, CancellationToken cancellationToken)
    {
        _settings = settings;
        _syncPeriod = syncPeriod;
        _keda = new KedaController(settings, TimeProvider.System.GetUtcNow());
        _hpa = hpa;
        _source = new GrpcScalerSource(client, scaledObject, spec.MetricName, spec.TargetSizeFloat > 0 ? spec.TargetSizeFloat : spec.TargetSize);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _pump = PumpPushesAsync(client, scaledObject, _stop.Token);
    }

    public string Title => "demo-enricher (capacity mode, KEDA)";

    public string Active => _active ? "yes" : "no";

    public async Task ControlAsync(TimeSpan elapsed, DateTimeOffset now, FunctionModel model, Lock gate, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            while (_pushes.Reader.TryRead(out var pushed))
            {
                _active = pushed;
                Scale(_keda.OnPush(now, pushed, model.Requested), model, now);
            }
        }

        var polls = ControllerPhases.IsDue(elapsed, _settings.PollingInterval, TimeSpan.Zero);
        var syncs = ControllerPhases.IsDue(elapsed, _syncPeriod, TimeSpan.Zero);
        if (!polls && !syncs)
        {
            return;
        }

        try
        {
            if (polls)
            {
                _active = (await _source.GetMetricsAndActivityAsync(cancellationToken)).Active;
                lock (gate)
                {
                    Scale(_keda.OnPoll(now, _active, model.Requested), model, now);
                }
            }

            int requested;
            lock (gate)
            {
                requested = model.Requested;
            }

            if (syncs && requested > 0)
            {
                var value = (await _source.GetMetricsAndActivityAsync(cancellationToken)).Metric;
                lock (gate)
                {
                    var proposal = HpaFormulas.AverageValue(value, _source.Target, model.Requested);
                    model.SetReplicas(_hpa.Decide(now, model.Requested, proposal), now);
                }
            }
        }
        catch (RpcException)
        {
            // The scaler had no answer yet (first poll of the emulator): KEDA changes nothing on errors.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _pump.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    /// <summary>KEDA's change, if any. The HPA is not told: like the real one, it only records its own changes.</summary>
    private static void Scale(int? replicas, FunctionModel model, DateTimeOffset now)
    {
        if (replicas is { } r)
        {
            model.SetReplicas(r, now);
        }
    }

    private async Task PumpPushesAsync(KedaGrpcClient client, ScaledObjectRef scaledObject, CancellationToken cancellationToken)
    {
        // Like KEDA: reconnect after 2 s when the stream ends or fails.
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await foreach (var active in client.StreamIsActiveAsync(scaledObject, cancellationToken))
                    {
                        _pushes.Writer.TryWrite(active);
                    }
                }
                catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException)
                {
                    // Retried below.
                }

                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
