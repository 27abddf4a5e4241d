using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>
/// What one source has learned: the per-replica rate every target on it shares, learned once per new observation,
/// whoever asks first. The rate is written under the lock and read without it (stored as a double, NaN for none, so a
/// read is never torn); the last use is an interlocked timestamp, stamped on every read.
/// </summary>
internal sealed class SourceLearning
{
    private readonly Lock _gate = new();
    private double _rate = double.NaN;
    private long _lastUsedTicks;
    private DateTimeOffset _lastObserved = DateTimeOffset.MinValue;

    // When the runner round last learned from was fetched, and whether the pods were saturated then: a measured rate
    // needs saturation at both ends of its interval.
    private DateTimeOffset _lastRunnerObserved = DateTimeOffset.MinValue;
    private bool _wasSaturated;

    public double? Rate
    {
        get => Volatile.Read(ref _rate) is var rate && double.IsNaN(rate) ? null : rate;
        private set => Volatile.Write(ref _rate, value ?? double.NaN);
    }

    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastUsedTicks, now.UtcTicks);

    /// <summary>
    /// The target's signal on the learned rate, learning first from what is new: the runner pods' measured rate when
    /// <paramref name="measured"/> and a round is held, else the inference from the subscription's out-rate. The signal
    /// is recomputed only if the rate it used moved.
    /// </summary>
    public LearnedSignal Compute(ScaleTarget target, IReadOnlyList<TopicObservation> observations, RunnerObservation? runner, bool measured)
    {
        lock (_gate)
        {
            var rate = Rate;
            var signal = SignalCalculator.Compute(target, observations, rate);
            var newest = observations.Count == 0 ? DateTimeOffset.MinValue : observations.Max(o => o.FetchedAt);
            var observedFirst = newest > _lastObserved;
            double? learned;
            if (measured && runner is not null && runner.FetchedAt > _lastRunnerObserved)
            {
                // The pods' own processing rate, over an interval they were saturated at both ends of, replaces the
                // inference from the subscription's out-rate.
                var saturated = RunnerCapacity.Saturated(signal);
                learned = saturated && _wasSaturated && runner.PerReplicaRate is { } perReplica ? RateLearner.ObserveExact(rate, perReplica) : rate;
                _lastRunnerObserved = runner.FetchedAt;
                _wasSaturated = saturated;
            }
            else if (observedFirst && (!measured || runner is null))
            {
                learned = RateLearner.Observe(rate, signal);
            }
            else
            {
                return new LearnedSignal(signal, rate, observedFirst);
            }

            _lastObserved = newest;
            if (learned != rate)
            {
                Rate = learned;
                rate = learned;
                signal = SignalCalculator.Compute(target, observations, learned);
            }

            return new LearnedSignal(signal, rate, observedFirst);
        }
    }
}

/// <summary>A signal and the learned rate it used; <paramref name="NewObservation"/> when its observations were new to the source.</summary>
internal readonly record struct LearnedSignal(ScalingSignal Signal, double? Rate, bool NewObservation);
