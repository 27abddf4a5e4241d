using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>
/// The latest good value of one upstream question, its last error, and at most one fetch in flight.
/// </summary>
/// <remarks>
/// Single flight: every caller that arrives while a fetch runs gets the same task, so N concurrent cold requests make
/// one upstream call. The fetch runs on the store's lifetime token, not a caller's: one caller giving up must not
/// cancel the answer the others wait for (callers bound their own wait with <c>WaitAsync</c>).
/// </remarks>
internal sealed class PolledValue<T>
    where T : class
{
    private readonly Func<CancellationToken, Task<T>> _fetch;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private Task<T>? _inFlight;
    private Sample? _latest;
    private FetchFailure? _lastError;
    private long _lastRequestedTicks;
    private long _lastFetchStartedTicks;

    private readonly Action<FetchFailure?, bool>? _observer;

    /// <param name="observer">Called once per real upstream fetch (not per joined caller) with its failure, or null on
    /// success, and whether the previous fetch had failed; used for metrics and logs.</param>
    public PolledValue(Func<CancellationToken, Task<T>> fetch, TimeProvider time, Action<FetchFailure?, bool>? observer = null)
    {
        _fetch = fetch;
        _time = time;
        _observer = observer;
        Touch(time.GetUtcNow());
    }

    /// <param name="FetchDuration">How long the fetch took (retries included): the uncertainty of <paramref name="FetchedAt"/>.</param>
    public sealed record Sample(T Value, DateTimeOffset FetchedAt, TimeSpan FetchDuration = default);


    public Sample? Latest => Volatile.Read(ref _latest);

    public FetchFailure? LastError => Volatile.Read(ref _lastError);

    public DateTimeOffset LastRequested => new(Interlocked.Read(ref _lastRequestedTicks), TimeSpan.Zero);

    public DateTimeOffset LastFetchStarted => new(Interlocked.Read(ref _lastFetchStartedTicks), TimeSpan.Zero);

    /// <remarks>
    /// A completed task still in the slot (its runner has not cleared it yet) is not fetching: otherwise a poll round
    /// arriving in that instant would skip the subject for a whole round, a real-time race that made virtual-time
    /// simulations differ from run to run.
    /// </remarks>
    public bool IsFetching => Volatile.Read(ref _inFlight) is { IsCompleted: false };

    /// <summary>Marks the value as still wanted at <paramref name="now"/>, the read's own clock reading (idle eviction counts from the last touch).</summary>
    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastRequestedTicks, now.UtcTicks);

    /// <summary>Starts a fetch, or joins the one in flight.</summary>
    public Task<T> RefreshAsync(CancellationToken stopping)
    {
        TaskCompletionSource<T> mine;
        lock (_gate)
        {
            if (_inFlight is { IsCompleted: false } running)
            {
                return running;
            }

            mine = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inFlight = mine.Task;
            Interlocked.Exchange(ref _lastFetchStartedTicks, _time.GetUtcNow().UtcTicks);
        }

        _ = RunAsync(mine, stopping);
        return mine.Task;
    }

    private async Task RunAsync(TaskCompletionSource<T> completion, CancellationToken stopping)
    {
        Exception? error = null;
        FetchFailure? failure = null;
        T? value = null;
        var hadFailed = LastError is not null;
        var started = _time.GetUtcNow();
        try
        {
            value = await _fetch(stopping);
            var finished = _time.GetUtcNow();
            Volatile.Write(ref _latest, new Sample(value, finished, finished - started));
            Volatile.Write(ref _lastError, null);
        }
        catch (ScalingException ex)
        {
            failure = new FetchFailure(ex);
            Volatile.Write(ref _lastError, failure);
            error = ex;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // A source that throws something other than ScalingException has a bug; callers still get a clean
            // UNAVAILABLE-style failure and the original is kept as the inner exception for the Error log.
            var wrapped = new ScalingException(ScalingErrorKind.Unavailable, "the source failed unexpectedly", ex);
            failure = new FetchFailure(wrapped, Unexpected: true);
            Volatile.Write(ref _lastError, failure);
            error = wrapped;
        }
        catch (OperationCanceledException)
        {
            // The store is stopping. Callers did not cancel: they get an answer they can map, not a stray cancellation.
            error = new ScalingException(ScalingErrorKind.Unavailable, "MeshScaler is shutting down");
        }

        // Complete before clearing the in-flight slot. Latest is already written, so callers serve it without a fetch;
        // a refresh arriving in between starts a new fetch rather than joining the finished one (a poll round must
        // not count a finished fetch as this round's). Continuations run asynchronously, never inline under our feet.
        if (error is not null)
        {
            completion.TrySetException(error);
        }
        else
        {
            completion.TrySetResult(value!);
        }

        lock (_gate)
        {
            // A newer fetch may already occupy the slot (started once this one completed); leave it.
            if (ReferenceEquals(_inFlight, completion.Task))
            {
                _inFlight = null;
            }
        }

        if (stopping.IsCancellationRequested || _observer is null)
        {
            return;
        }

        try
        {
            // This fetch's own failure: LastError may already belong to a newer fetch started once the slot was free.
            _observer(failure, hadFailed);
        }
        catch (Exception)
        {
            // Metrics and logs must never break fetching; an observer bug is not worth an unobserved task.
        }
    }
}
