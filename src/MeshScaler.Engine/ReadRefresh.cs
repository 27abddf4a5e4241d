namespace MeshScaler.Engine;

/// <summary>
/// Decides when a metric read refreshes its topic before answering, so the HPA reads data about as fresh as KEDA's
/// built-in scaler, which fetches on every read, instead of up to a whole <see cref="SignalStoreOptions.PollInterval"/> old.
/// </summary>
/// <remarks>
/// <para>Why: the HPA reads a trigger's metric once per sync period (15 s by default) at a phase of its own. From a poll
/// grid of our own, the value it reads is up to one poll interval old, so a burst that began just before a sync is not
/// seen until the next one, 15 s later. The what-if measured it: on the spiky preset one burst started 1 s before a
/// sync, KEDA stepped up at once and MeshScaler a sync later, which alone cost 4 s of p99 lag.</para>
/// <para>How: a metric read (KEDA's GetMetrics, for the HPA or for KEDA's own poll) that finds the latest data one tick
/// (<see cref="SignalStoreOptions.WakePollInterval"/>) old or more fetches first, and waits at most one tick for it
/// (then it answers what is there; the fetch goes on for the next caller). The topic's poll schedule then counts from
/// the poll-loop tick just before the read (<see cref="TopicSubject.ReadFetchAnchor"/>), so the grid moves to the read's
/// phase: with a sync period that is a multiple of the poll interval (15 s and 5 s by default) the later reads of a lone
/// HPA find a poll made less than a tick before and cost nothing extra. Read refreshes are paid from a bucket of two that refills one per poll interval, so KEDA's two readers
/// of a trigger (the HPA's sync and KEDA's own poll, a few seconds apart) can both be fresh, while over time the reads
/// add at most one fetch per poll interval to the grid's one, whatever the readers do.</para>
/// <para>Only a topic read by a single trigger (one <see cref="Core.ScaleTarget.Key"/>: ScaledObjects with identical
/// metadata ask the same question and count as one) is refreshed this way; a topic shared by triggers with different
/// metadata keeps exactly one fetch per poll interval, and a second reader switches read refreshes
/// off until the topic has had one reader for <see cref="SignalStoreOptions.IdleEviction"/> (a metadata edit counts as
/// a new reader). A failing topic is never refreshed by reads: it is retried on its interval, not per read.</para>
/// </remarks>
internal sealed class ReadRefresh
{
    private const double Burst = 2;
    private readonly Lock _gate = new();
    private string? _reader;
    private DateTimeOffset _sharedUntil = DateTimeOffset.MinValue;
    private double _tokens = Burst;
    private DateTimeOffset _refilled = DateTimeOffset.MinValue;

    /// <summary>
    /// Whether the metric read by <paramref name="reader"/> (a trigger's key) at <paramref name="now"/> should fetch before
    /// answering; true spends one read refresh from the bucket.
    /// </summary>
    /// <param name="fetchedAt">When the latest good data finished fetching; null when there is none yet (a cold read fetches anyway).</param>
    /// <param name="failing">Whether the last fetch failed.</param>
    public bool ShouldFetch(string reader, DateTimeOffset now, DateTimeOffset? fetchedAt, bool failing, SignalStoreOptions options)
    {
        // The usual read, without the lock (every metric read of every topic passes here): the same reader as last time
        // and data younger than a tick is a no whatever the bucket holds, and skipping the refill now changes nothing,
        // since a later refill adds the whole elapsed time under the same cap.
        if (fetchedAt is { } fresh && now - fresh < options.WakePollInterval
            && string.Equals(Volatile.Read(ref _reader), reader, StringComparison.Ordinal))
        {
            return false;
        }

        lock (_gate)
        {
            if (!string.Equals(_reader, reader, StringComparison.Ordinal))
            {
                if (_reader is not null)
                {
                    _sharedUntil = SaturatingAdd(now, options.IdleEviction);
                }

                Volatile.Write(ref _reader, reader);
            }

            if (_refilled == DateTimeOffset.MinValue)
            {
                _refilled = now;
            }
            else if (now > _refilled)
            {
                _tokens = Math.Min(Burst, _tokens + ((now - _refilled) / options.PollInterval));
                _refilled = now;
            }

            if (now < _sharedUntil || failing || fetchedAt is not { } fetched || now - fetched < options.WakePollInterval || _tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }

    private static DateTimeOffset SaturatingAdd(DateTimeOffset time, TimeSpan span) =>
        DateTimeOffset.MaxValue - time <= span ? DateTimeOffset.MaxValue : time + span;
}
