using System.Collections.Concurrent;

namespace MeshScaler.Kubernetes;

/// <summary>A review's answer and the time its cached copy expires.</summary>
public readonly record struct Reviewed<T>(T Answer, DateTimeOffset Expires);

/// <summary>
/// Review answers by key for a TTL chosen per answer, with one review in flight per key however many requests wait on
/// it (the HPA's 100 Functions asking at once make one SubjectAccessReview each, not one per call). A failed review is
/// not kept: the next request asks again. Bounded: past <see cref="Capacity"/> keys, expired answers are dropped, then all.
/// </summary>
internal sealed class ReviewCache<T>(TimeProvider time, Func<T, TimeSpan> ttl)
{
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    /// <summary>The answer, with when this cache stops giving it (so a cache in front of this one keeps it no longer).</summary>
    public async Task<Reviewed<T>> GetAsync(string key, Func<Task<T>> review, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        _entries.TryGetValue(key, out var seen);
        if (seen is not null && (!seen.Answer.Task.IsCompleted || now.UtcTicks < seen.Expires))
        {
            return await seen.GetAsync(cancellationToken).ConfigureAwait(false);
        }

        var fresh = new Entry();
        var current = seen is null ? _entries.GetOrAdd(key, fresh) : (_entries.TryUpdate(key, fresh, seen) ? fresh : _entries.GetOrAdd(key, fresh));
        if (current != fresh)
        {
            return await current.GetAsync(cancellationToken).ConfigureAwait(false);
        }

        Trim();
        _ = ReviewAsync(key, fresh, review);
        return await fresh.GetAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ReviewAsync(string key, Entry entry, Func<Task<T>> review)
    {
        try
        {
            var answer = await review().ConfigureAwait(false);
            entry.Expires = (time.GetUtcNow() + ttl(answer)).UtcTicks;
            entry.Answer.SetResult(answer);
        }
        catch (Exception ex)
        {
            _entries.TryRemove(KeyValuePair.Create(key, entry));
            entry.Answer.SetException(ex);
        }
    }

    private void Trim()
    {
        if (_entries.Count <= Capacity)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            if (entry.Answer.Task.IsCompleted && entry.Expires <= now.UtcTicks)
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }

        if (_entries.Count > Capacity)
        {
            _entries.Clear();
        }
    }

    private sealed class Entry
    {
        public TaskCompletionSource<T> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<Reviewed<T>> GetAsync(CancellationToken cancellationToken)
        {
            var answer = await Answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new Reviewed<T>(answer, new DateTimeOffset(Expires, TimeSpan.Zero));
        }

        /// <summary>Set before the answer is published, so a reader who sees it completed sees its expiry.</summary>
        public long Expires
        {
            get => Volatile.Read(ref _expires);
            set => Volatile.Write(ref _expires, value);
        }

        private long _expires = long.MaxValue;
    }
}
