using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Simulation;

/// <summary>What scales the live demo's function: KEDA and its HPA over gRPC, or the operator's HPA over the metrics API.</summary>
internal interface IDemoAutoscaler : IDisposable
{
    /// <summary>The table's title.</summary>
    string Title { get; }

    /// <summary>The "active" column: the last activity KEDA saw, or "-" where nothing decides activity.</summary>
    string Active { get; }

    /// <summary>Runs whatever controller is due at <paramref name="elapsed"/>; every change of the model under <paramref name="gate"/>.</summary>
    Task ControlAsync(TimeSpan elapsed, DateTimeOffset now, FunctionModel model, Lock gate, CancellationToken cancellationToken);
}
