using System.Collections.Concurrent;
using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>What every source has learned, by (cluster, topics, subscription), kept while a target reads it.</summary>
internal sealed class LearningBook
{
    private readonly ConcurrentDictionary<string, SourceLearning> _sources = new(StringComparer.Ordinal);

    /// <remarks>
    /// Rates measured on the runner pods and rates inferred from the subscription are learned apart: a trigger that
    /// reads runner metrics must not be moved by one that infers, on the same source.
    /// </remarks>
    public SourceLearning For(ScaleTarget target, bool measured, DateTimeOffset now)
    {
        var learning = _sources.GetOrAdd(measured ? target.RunnerSourceKey : target.SourceKey, static _ => new SourceLearning());
        learning.Touch(now);
        return learning;
    }

    public void Evict(DateTimeOffset cutoff)
    {
        foreach (var (key, learning) in _sources)
        {
            if (learning.LastUsed < cutoff)
            {
                _sources.TryRemove(key, out _);
            }
        }
    }
}
