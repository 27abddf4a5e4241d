using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>
/// The one subject contract every source shares: a single-flight fetch (<see cref="PolledValue{T}"/>), the held value
/// served while it is fresh and an error past that (staleness, never a zero), the cold path that waits for one fetch
/// shared by every caller, and the poll schedule.
/// </summary>
internal abstract class Subject<T> : ISubject
    where T : class
{
    private readonly TimeProvider _time;

    protected Subject(PulsarClusterRef cluster, string kind, string name, TimeProvider time, UpstreamTelemetry telemetry)
    {
        Cluster = cluster;
        Kind = kind;
        Name = name;
        _time = time;

        // The fetch delegate is bound now and first called after construction, when the subclass is complete.
        Value = new PolledValue<T>(FetchAsync, time, (failure, recovered) => telemetry.Observe(this, failure, recovered));
    }

    public PulsarClusterRef Cluster { get; }

    public string Kind { get; }

    public string Name { get; }

    public PolledValue<T> Value { get; }

    public DateTimeOffset LastRequested => Value.LastRequested;

    /// <summary>What the value is, in a staleness error after <c>cluster '...':</c>.</summary>
    protected abstract string Description { get; }

    /// <summary>How old the held value may be and still be served.</summary>
    protected virtual TimeSpan ServableAge(SignalStoreOptions options) => options.MaxStaleness;

    /// <summary>How often the poll loop fetches it.</summary>
    protected virtual TimeSpan Interval(SignalStoreOptions options, bool wake) => options.PollInterval;

    /// <summary>When the poll schedule counts from: the last fetch, unless a kind anchors it elsewhere.</summary>
    protected virtual DateTimeOffset ScheduleFrom(SignalStoreOptions options) => Value.LastFetchStarted;

    public abstract bool UsedBy(TargetState target);

    protected abstract Task<T> FetchAsync(CancellationToken cancellationToken);

    /// <summary>The held value while servable; null when no fetch has succeeded yet. Throws once it is too old.</summary>
    public PolledValue<T>.Sample? Serve(DateTimeOffset now, SignalStoreOptions options)
    {
        if (Value.Latest is not { } latest)
        {
            return null;
        }

        var age = now - latest.FetchedAt;
        return age <= ServableAge(options) ? latest : throw Stale(age, options);
    }

    /// <summary>The held value while servable, else null: for the poll loop, which never fetches for a target.</summary>
    public PolledValue<T>.Sample? Held(DateTimeOffset now, SignalStoreOptions options) =>
        Value.Latest is { } latest && now - latest.FetchedAt <= ServableAge(options) ? latest : null;

    /// <summary>
    /// A request's answer: the held value while servable (an error once too old); when nothing was ever fetched, the
    /// last failure while it is younger than a poll interval (not one upstream call per request), else one fetch
    /// shared by every caller, awaited within the caller's own cancellation. <paramref name="now"/> is the read's one
    /// clock reading (a request reads several subjects, and the clock is not free).
    /// </summary>
    public ValueTask<PolledValue<T>.Sample> GetAsync(SignalStoreOptions options, DateTimeOffset now, CancellationToken stopping, CancellationToken cancellationToken)
    {
        Value.Touch(now);
        if (Serve(now, options) is { } held)
        {
            return ValueTask.FromResult(held);
        }

        if (!Value.IsFetching && Value.LastError is { } failure && now - Value.LastFetchStarted < options.PollInterval)
        {
            return ValueTask.FromException<PolledValue<T>.Sample>(failure.Error);
        }

        return FetchForAsync(stopping, cancellationToken);
    }

    private async ValueTask<PolledValue<T>.Sample> FetchForAsync(CancellationToken stopping, CancellationToken cancellationToken)
    {
        var value = await Value.RefreshAsync(stopping).WaitAsync(cancellationToken);
        var latest = Value.Latest;

        // Normally the sample just written; a newer fetch may have replaced it already, and this caller gets its own.
        return latest is not null && ReferenceEquals(latest.Value, value)
            ? latest
            : new PolledValue<T>.Sample(value, latest?.FetchedAt ?? _time.GetUtcNow());
    }

    /// <remarks>
    /// Due when the last fetch started at least 90 % of an interval ago: the slack keeps a timer that fires a little
    /// early from skipping a whole round, and a fetch already made in this interval is not repeated. Failed fetches
    /// count too: a subject that never succeeded is retried once per interval, not on every call.
    /// </remarks>
    public bool IsDue(DateTimeOffset now, SignalStoreOptions options, bool wake)
    {
        if (Value.IsFetching)
        {
            return false;
        }

        var interval = Interval(options, wake);
        return now - ScheduleFrom(options) >= interval - (interval / 10);
    }

    public async Task PollAsync(SemaphoreSlim gate, CancellationToken stopping, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await Value.RefreshAsync(stopping);
        }
        catch (ScalingException)
        {
            // Recorded, counted and logged by the telemetry observer; the last good value keeps being served.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            gate.Release();
        }
    }

    private ScalingException Stale(TimeSpan age, SignalStoreOptions options)
    {
        var lastError = Value.LastError?.Error;

        // Not found or refused stays what it is; anything else (or no error yet) is an outage.
        var kind = lastError?.Kind is ScalingErrorKind.NotFound or ScalingErrorKind.PermissionDenied or ScalingErrorKind.Unauthenticated
            ? lastError.Kind
            : ScalingErrorKind.Unavailable;
        var reason = lastError is null ? "no successful poll since" : $"last error: {lastError.Message}";
        return new ScalingException(
            kind,
            $"cluster '{Cluster.Name}': {Description} is {age.TotalSeconds:0}s old, more than MaxStaleness {options.MaxStaleness.TotalSeconds:0}s; {reason}",
            lastError);
    }
}
