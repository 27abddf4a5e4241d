using System.Collections.Concurrent;
using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>The targets being asked about or watched, by their key, each resolved to its cluster once; idle ones are evicted.</summary>
internal sealed class TargetTable(IPulsarClusterResolver clusters)
{
    private readonly ConcurrentDictionary<string, TargetState> _targets = new(StringComparer.Ordinal);

    public int Count => _targets.Count;

    public IEnumerable<TargetState> All => _targets.Values;

    /// <summary>The target's cluster, without tracking it. Throws InvalidArgument when it is not allowed.</summary>
    public PulsarClusterRef Resolve(ScaleTarget target) => clusters.Resolve(target.AdminUrl, target.ClusterName);

    /// <summary>The target's state, created on first use (its cluster must be allowed: throws InvalidArgument otherwise), marked as requested now.</summary>
    public TargetState Track(ScaleTarget target, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_targets.TryGetValue(target.Key, out var existing))
        {
            existing.Touch(now);
            return existing;
        }

        var cluster = Resolve(target);
        var state = _targets.GetOrAdd(target.Key, _ => new TargetState(target, cluster, now));
        state.Touch(now);
        return state;
    }

    /// <summary>Removes <paramref name="state"/> if it is still the one kept for its target (a retired state a watch found).</summary>
    public void Remove(TargetState state) => _targets.TryRemove(new KeyValuePair<string, TargetState>(state.Target.Key, state));

    /// <summary>Drops the targets without a watcher not requested since <paramref name="cutoff"/>; returns those still watched.</summary>
    public List<TargetState> Evict(DateTimeOffset cutoff)
    {
        foreach (var state in _targets.Values)
        {
            // Retire and remove as one decision: a watch that attaches in between would otherwise never be pushed to.
            if (state.TryRetire(cutoff))
            {
                Remove(state);
            }
        }

        return [.. _targets.Values.Where(t => t.HasWatchers)];
    }
}
