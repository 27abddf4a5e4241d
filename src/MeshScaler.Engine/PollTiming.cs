namespace MeshScaler.Engine;

/// <summary>
/// Times a topic's regular polls to the moment its metric is read, so the HPA reads data one poll-loop tick old at
/// most instead of up to a whole <see cref="SignalStoreOptions.PollInterval"/>.
/// </summary>
/// <remarks>
/// <para>Why: the HPA reads a target's metric once per sync period (15 s by default) at a phase of its own. On a poll
/// grid of our own, the value it reads is up to one poll interval old, so a burst that began just before a sync is not
/// seen until the next one, 15 s later; KEDA's built-in scaler fetches on every read and never has that handicap. The
/// what-if measured it: on the spiky preset one burst started 1 s before a sync, KEDA stepped up at once and MeshScaler
/// a sync later, which alone cost 4 s of p99 lag.</para>
/// <para>How: a metric read that finds the topic's data more than one tick (<see cref="SignalStoreOptions.WakePollInterval"/>)
/// old holds the topic's next regular poll until one poll interval after the read, less one tick. Polls then fall on
/// the read's phase; with a sync period that is a multiple of the poll interval (15 s and 5 s by default) every later
/// read finds data less than one tick old.</para>
/// <para>Cost: none upstream. A hold only ever postpones a poll (the read found the data older than a tick, so the
/// held poll comes more than one interval after the last), by at most one interval, at most once per interval, and
/// only when <see cref="SignalStoreOptions.MaxStaleness"/> leaves room for it. Only a topic read by a single target is
/// timed: readers at different phases would keep moving it, so a second reader switches timing off until the topic has
/// had one reader for <see cref="SignalStoreOptions.IdleEviction"/>. Wake polling (an inactive pushed target) is
/// never held.</para>
/// </remarks>
internal sealed class PollTiming
{
    private readonly Lock _gate = new();
    private string? _reader;
    private DateTimeOffset _sharedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _lastHeld = DateTimeOffset.MinValue;
    private DateTimeOffset _holdUntil = DateTimeOffset.MinValue;

    /// <summary>Records that <paramref name="reader"/> (a target's key) read the topic's data for its metric at <paramref name="now"/>.</summary>
    public void OnMetricRead(string reader, DateTimeOffset now, DateTimeOffset lastFetchStarted, SignalStoreOptions options)
    {
        var interval = options.PollInterval;
        var tick = options.WakePollInterval;
        lock (_gate)
        {
            if (!string.Equals(_reader, reader, StringComparison.Ordinal))
            {
                if (_reader is not null)
                {
                    _sharedUntil = now + options.IdleEviction;
                    _holdUntil = DateTimeOffset.MinValue;
                }

                _reader = reader;
            }

            if (now < _sharedUntil || tick >= interval || options.MaxStaleness < 2 * interval
                || now - lastFetchStarted <= tick || now - _lastHeld < interval)
            {
                return;
            }

            _lastHeld = now;
            var onPhase = now + interval - tick;
            var latest = lastFetchStarted + (2 * interval) - tick;
            _holdUntil = onPhase < latest ? onPhase : latest;
        }
    }

    /// <summary>Whether a regular poll that is due at <paramref name="now"/> waits for the metric read's phase.</summary>
    public bool Holds(DateTimeOffset now)
    {
        lock (_gate)
        {
            return now <= _holdUntil;
        }
    }
}
