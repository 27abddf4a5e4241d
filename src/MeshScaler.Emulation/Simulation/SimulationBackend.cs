using MeshScaler.Core;
using MeshScaler.Emulation.PulsarAdmin;

namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// Where the simulated policies read Pulsar from: an admin client, a cluster resolver allowing <see cref="AdminUrl"/>,
/// and whatever must be disposed with them (an emulator, a service provider).
/// </summary>
public sealed class SimulationBackend(IPulsarAdmin admin, IPulsarClusterResolver clusters, Uri adminUrl, string description, Func<ValueTask>? dispose = null)
    : IAsyncDisposable
{
    public IPulsarAdmin Admin { get; } = admin;

    public IPulsarClusterResolver Clusters { get; } = clusters;

    /// <summary>The admin URL the triggers name.</summary>
    public Uri AdminUrl { get; } = adminUrl;

    /// <summary>How the stats travel, for the report's notes.</summary>
    public string Description { get; } = description;

    public ValueTask DisposeAsync() => dispose?.Invoke() ?? ValueTask.CompletedTask;
}

/// <summary>
/// Builds the backend for a run: it must serve <paramref name="workload"/>'s state and use <paramref name="clock"/> for
/// everything time-related.
/// </summary>
public delegate Task<SimulationBackend> SimulationBackendFactory(IPulsarWorkload workload, TimeProvider clock, CancellationToken cancellationToken);
