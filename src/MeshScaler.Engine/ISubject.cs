using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>
/// One upstream question the store keeps answered (a topic's stats, a namespace's topic list, a Function's runner
/// pods), as the poll loop and eviction see it whatever its kind: when it is due, one poll of it, and whether a target
/// still needs it. Serving its value is <see cref="Subject{T}"/>'s.
/// </summary>
internal interface ISubject
{
    /// <summary>What its upstream requests are counted and logged under as "cluster" (a pseudo cluster for runner pods).</summary>
    PulsarClusterRef Cluster { get; }

    /// <summary>The upstream request kind label: <c>stats</c>, <c>topics</c> or <c>runner</c>.</summary>
    string Kind { get; }

    /// <summary>Its name in logs: the topic, the namespace or the Function.</summary>
    string Name { get; }

    /// <summary>When a request last asked for it (idle eviction counts from there).</summary>
    DateTimeOffset LastRequested { get; }

    /// <summary>Whether the poll loop should fetch it now; never while a fetch is in flight.</summary>
    /// <param name="wake">It serves a watched target not known to be active: poll at the wake interval if its kind does.</param>
    bool IsDue(DateTimeOffset now, SignalStoreOptions options, bool wake);

    /// <summary>One fetch within <paramref name="gate"/>; failures are recorded by the subject, never thrown.</summary>
    Task PollAsync(SemaphoreSlim gate, CancellationToken stopping, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="target"/> reads it, so a watched target keeps it from eviction.</summary>
    bool UsedBy(TargetState target);
}
