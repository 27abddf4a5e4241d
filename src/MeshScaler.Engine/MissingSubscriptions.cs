using System.Collections.Concurrent;
using MeshScaler.Core;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Engine;

/// <summary>
/// The (cluster, topic, subscription) triples a trigger names that do not exist: logged once when found, forgotten when
/// the subscription appears or its topic is no longer polled, and exported as a series.
/// </summary>
internal sealed class MissingSubscriptions(ILogger logger)
{
    private readonly ConcurrentDictionary<(string Cluster, TopicName Topic, string Subscription), byte> _missing = new();

    public IEnumerable<(string Cluster, TopicName Topic, string Subscription)> All => _missing.Keys;

    /// <summary>Records what one new observation of a target's topics showed.</summary>
    public void Record(TargetState state, IReadOnlyList<TopicObservation> observations, ScalingSignal signal)
    {
        var cluster = state.Cluster.Name;
        var subscription = state.Target.Subscription;
        foreach (var topic in signal.MissingSubscriptionTopics)
        {
            if (_missing.TryAdd((cluster, topic, subscription), 0))
            {
                EngineLog.SubscriptionMissing(logger, subscription, topic.FullName, cluster);
            }
        }

        if (!_missing.IsEmpty)
        {
            foreach (var observation in observations)
            {
                if (!signal.MissingSubscriptionTopics.Contains(observation.Topic))
                {
                    _missing.TryRemove((cluster, observation.Topic, subscription), out _);
                }
            }
        }
    }

    /// <summary>Forgets the entries whose topic is no longer polled.</summary>
    public void Evict(Func<string, TopicName, bool> isPolled)
    {
        foreach (var key in _missing.Keys)
        {
            if (!isPolled(key.Cluster, key.Topic))
            {
                _missing.TryRemove(key, out _);
            }
        }
    }
}
