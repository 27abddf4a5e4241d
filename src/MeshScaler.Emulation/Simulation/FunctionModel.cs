namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// One Function Mesh Function consuming one subscription: replicas that become ready <see cref="FunctionModelOptions.StartupDelay"/>
/// after being requested and stop at once when removed, a FIFO backlog of message cohorts, and the broker's windowed rates.
/// </summary>
/// <remarks>
/// <para>Time is discrete. A step covers [now, now + dt): its arrivals join the backlog at <c>now</c>, then the ready
/// replicas process up to their capacity from the head. A message processed in the step starting at <c>now</c> waited
/// <c>now − arrival</c>, so lag is exact to the step size. Fractional messages carry over between steps, so every count
/// is a whole number and <see cref="TotalIn"/> = <see cref="TotalProcessed"/> + <see cref="Backlog"/> always holds.</para>
/// <para>Unused capacity does not carry over: an idle replica cannot bank throughput.</para>
/// <para>The broker's <c>msgBacklog</c> counts every message not yet acknowledged, so it also holds the messages
/// dispatched to consumers and still in flight (being processed, or processed and waiting for the grouped ack):
/// <see cref="InFlight"/> = processed rate × (1 / <see cref="FunctionModelOptions.PerReplicaRate"/> +
/// <see cref="FunctionModelOptions.AckDelay"/>), rounded up, and at least one per replica that processed anything in the
/// step. <see cref="BacklogEntries"/> reports waiting + in flight; <see cref="Backlog"/> and the lag stay the real FIFO
/// wait of messages no consumer has taken yet.</para>
/// </remarks>
public sealed class FunctionModel
{
    private readonly FunctionModelOptions _options;
    private readonly Random _random;
    private readonly Queue<Cohort> _cohorts = new();
    private readonly List<DateTimeOffset> _pending = [];
    private readonly List<ReplicaRate> _ready = [];
    private readonly List<double> _wakes = [];
    private double _inCarry;
    private double _outCarry;
    private DateTimeOffset? _windowStart;
    private long _windowIn;
    private DateTimeOffset? _wakeStart;

    public FunctionModel(FunctionModelOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid function model options: {string.Join("; ", errors)}", nameof(options));
        }

        _options = options;
        _random = new Random(seed);
    }

    public FunctionModelOptions Options => _options;

    /// <summary>Replicas requested (pods that exist, ready or starting): what the scale subresource says.</summary>
    public int Requested { get; private set; }

    /// <summary>Replicas ready and consuming.</summary>
    public int Ready => _ready.Count;

    /// <summary>Messages waiting.</summary>
    public long Backlog { get; private set; }

    /// <summary>Messages dispatched in the last step and not yet acknowledged: the subscription's <c>unackedMessages</c>.</summary>
    public long InFlight { get; private set; }

    /// <summary>
    /// Backlog as the broker reports it (<c>msgBacklog</c>): waiting plus in-flight messages, in entries (batches).
    /// </summary>
    public long BacklogEntries => (Backlog + InFlight + _options.MessagesPerEntry - 1) / _options.MessagesPerEntry;

    /// <summary>When the first step started; null before it. A wake or an activation starting then is the initial deployment, not a wake.</summary>
    public DateTimeOffset? Started { get; private set; }

    public long TotalIn { get; private set; }

    public long TotalProcessed { get; private set; }

    /// <summary>Messages processed in the last step.</summary>
    public long LastProcessed { get; private set; }

    /// <summary>The broker's publish rate: the average over the last completed stats window, msg/s.</summary>
    public double ReportedRateIn { get; private set; }

    /// <summary>
    /// The broker's dispatch rate, msg/s: as Pulsar sums a subscription's rate over its connected consumers, the sum over
    /// ready replicas of each one's average over the last completed stats window. A removed replica's share disappears at
    /// once; a replica that became ready since the last window reports 0 until the next one.
    /// </summary>
    public double ReportedRateOut => _ready.Sum(r => r.LastRate);

    /// <summary>Sum over steps of requested replicas × step length, in seconds.</summary>
    public double ReplicaSeconds { get; private set; }

    /// <summary>Times the requested replica count changed.</summary>
    public int ScaleEvents { get; private set; }

    /// <summary>Waits of processed messages.</summary>
    public LagHistogram Lag { get; } = new();

    /// <summary>Completed wakes from zero: seconds from the first message arriving with no replica requested to the first one processed; the initial deployment is not one.</summary>
    public IReadOnlyList<double> Wakes => _wakes;

    /// <summary>When the oldest waiting message arrived; null when the backlog is empty.</summary>
    public DateTimeOffset? OldestArrival => _cohorts.Count == 0 ? null : _cohorts.Peek().Arrival;

    /// <summary>Age of the oldest waiting message at <paramref name="now"/>; zero when the backlog is empty.</summary>
    public TimeSpan OldestAge(DateTimeOffset now) => OldestArrival is { } oldest ? now - oldest : TimeSpan.Zero;

    /// <summary>Sets the requested replica count. New replicas become ready after the startup delay; removed ones stop at once (starting ones first).</summary>
    public void SetReplicas(int replicas, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        if (replicas == Requested)
        {
            return;
        }

        ScaleEvents++;
        if (replicas > Requested)
        {
            for (var i = Requested; i < replicas; i++)
            {
                _pending.Add(now + _options.StartupDelay);
            }
        }
        else
        {
            var remove = Requested - replicas;
            while (remove > 0 && _pending.Count > 0)
            {
                _pending.RemoveAt(_pending.Count - 1);
                remove--;
            }

            _ready.RemoveRange(_ready.Count - remove, remove);
        }

        Requested = replicas;
    }

    /// <summary>Advances the model by one step of length <paramref name="dt"/> starting at <paramref name="now"/>.</summary>
    /// <param name="inflowRate">Messages per second published during the step.</param>
    public void Step(DateTimeOffset now, TimeSpan dt, double inflowRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(dt, TimeSpan.Zero);
        if (!(inflowRate >= 0) || !double.IsFinite(inflowRate))
        {
            throw new ArgumentOutOfRangeException(nameof(inflowRate), inflowRate, "the inflow rate must be a finite, non-negative number");
        }

        _windowStart ??= now;
        Started ??= now;
        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            if (_pending[i] <= now)
            {
                _pending.RemoveAt(i);
                _ready.Add(new ReplicaRate());
            }
        }

        var seconds = dt.TotalSeconds;
        _inCarry += inflowRate * seconds;
        var arrived = (long)Math.Floor(_inCarry);
        _inCarry -= arrived;
        if (arrived > 0)
        {
            _cohorts.Enqueue(new Cohort(now, arrived));
            Backlog += arrived;
            TotalIn += arrived;
            if (Requested == 0)
            {
                _wakeStart ??= now;
            }
        }

        var jitter = _options.Jitter == 0 ? 1 : 1 + (_options.Jitter * ((2 * _random.NextDouble()) - 1));
        var budget = _outCarry + (Ready * _options.PerReplicaRate * seconds * jitter);
        var capacity = (long)Math.Floor(budget);
        var processed = Math.Min(capacity, Backlog);
        _outCarry = processed == capacity ? budget - capacity : 0;
        Consume(processed, now);
        InFlight = processed == 0 ? 0 : Math.Max(
            Math.Min(Ready, processed),
            (long)Math.Ceiling(processed / seconds * ((1 / _options.PerReplicaRate) + _options.AckDelay.TotalSeconds)));

        if (processed > 0 && _wakeStart is { } wakeStart)
        {
            // A wake is a scale from zero: messages waiting since the first step (traffic already there when the run
            // starts) are the initial deployment, not a wake.
            if (wakeStart > Started)
            {
                _wakes.Add((now - wakeStart).TotalSeconds);
            }

            _wakeStart = null;
        }

        LastProcessed = processed;
        ReplicaSeconds += Requested * seconds;

        _windowIn += arrived;
        for (var i = 0; i < _ready.Count; i++)
        {
            // Shared subscription: the dispatcher spreads messages evenly; the remainder goes to the first consumers.
            var share = (processed / _ready.Count) + (i < processed % _ready.Count ? 1 : 0);
            _ready[i].WindowCount += share;
            _ready[i].Processed += share;
        }

        var end = now + dt;
        var elapsed = (end - _windowStart.Value).TotalSeconds;
        if (end - _windowStart.Value >= _options.StatsUpdateFrequency)
        {
            ReportedRateIn = _windowIn / elapsed;
            _windowIn = 0;
            foreach (var replica in _ready)
            {
                replica.LastRate = replica.WindowCount / elapsed;
                replica.WindowCount = 0;
            }

            _windowStart = end;
        }
    }

    /// <summary>Adds the messages still waiting at <paramref name="end"/> to <paramref name="lag"/> with their age then (a lower bound of their wait).</summary>
    public void AddUnfinished(LagHistogram lag, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(lag);
        foreach (var cohort in _cohorts)
        {
            lag.Add(end - cohort.Arrival, cohort.Count);
        }
    }

    private void Consume(long messages, DateTimeOffset now)
    {
        var left = messages;
        while (left > 0)
        {
            var head = _cohorts.Peek();
            var take = Math.Min(head.Count, left);
            Lag.Add(now - head.Arrival, take);
            left -= take;
            if (take == head.Count)
            {
                _cohorts.Dequeue();
            }
            else
            {
                head.Count -= take;
            }
        }

        Backlog -= messages;
        TotalProcessed += messages;
    }

    /// <summary>
    /// Each ready replica's cumulative processed count since it started, by StatefulSet ordinal (replicas are added and
    /// removed at the end, as a StatefulSet scales): what its runner's <c>processed_successfully_total</c> would say.
    /// </summary>
    public IReadOnlyList<long> ReplicaProcessed => [.. _ready.Select(r => r.Processed)];

    private sealed class ReplicaRate
    {
        public long Processed { get; set; }

        public long WindowCount { get; set; }

        public double LastRate { get; set; }
    }

    private sealed class Cohort(DateTimeOffset arrival, long count)
    {
        public DateTimeOffset Arrival { get; } = arrival;

        public long Count { get; set; } = count;
    }
}
