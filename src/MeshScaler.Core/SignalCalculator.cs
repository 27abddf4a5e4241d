namespace MeshScaler.Core;

/// <summary>Turns observations of a target's topics into its scaling signal. Pure: no clock, no I/O.</summary>
/// <remarks>
/// <para>Backlog is the sum of <c>subscriptions[sub].msgBacklog</c> (entries, as KEDA reads it). A topic on which the
/// subscription does not exist yet contributes 0 backlog but its inflow still counts, so a never-started function wakes
/// on traffic.</para>
/// <para>Capacity mode: metric = (inflow + drain) / perReplicaRate, unrounded, and desired = its ceiling, where drain is the rate spent on the backlog
/// (<see cref="DrainRate"/>) and backlogMessages converts entries to messages with the consumers' messages-per-entry,
/// because the rates are in messages. Until a per-replica rate is known it falls back to the backlog formula
/// ceil(backlog / msgBacklogThreshold), but at least 1 while messages flow in. No backlog and no inflow gives 0.</para>
/// <para>Rates: each topic's inflow and out-rate are the exact averages since its previous fetch, derived from Pulsar's
/// cumulative counters (<see cref="TopicObservation.CounterRateIn"/>), whenever they are known; otherwise the broker's
/// windowed averages. The windowed averages lag a burst by up to a window and never show a short burst at its height,
/// so capacity mode sized from them was late on the way up and, through an underestimated per-replica rate, kept too
/// many replicas at base load.</para>
/// <para>Activity: backlog strictly above <c>activationMsgBacklogThreshold</c> (KEDA's rule), or inflow strictly above
/// <c>activationMsgRateThreshold</c> when set, or inflow above 0 on a topic whose subscription does not exist yet. For
/// activity the inflow is the larger of the exact and the windowed rate: sparse traffic has quiet 5 s intervals, and
/// each must not read as "no traffic" (a pushed false/true flap restarts KEDA's cooldown or lets it scale to zero).</para>
/// <para>Capacity evidence (<see cref="ScalingSignal.CapacitySample"/>): exact out-rate per consumer over an interval with
/// the same consumers throughout and a backlog worth at least <see cref="SaturatedBacklogSeconds"/> of processing at both
/// ends.</para>
/// </remarks>
public static class SignalCalculator
{
    /// <summary>
    /// A backlog counts as evidence that the consumers are saturated only when it holds at least this many seconds of
    /// processing at the observed out-rate, at both ends of the interval. Pulsar's msgBacklog includes messages already
    /// dispatched and not yet acknowledged (a fraction of a second's worth under steady load), which is not saturation:
    /// learning from it would measure demand, not capacity.
    /// </summary>
    public const double SaturatedBacklogSeconds = 2;

    /// <summary>
    /// Connected consumers draining more than this many times the inflow mean the burst that built the backlog has
    /// ended (while it lasts, they barely outpace it); see <see cref="DrainRate"/>.
    /// </summary>
    public const double EndedBurstRatio = 2;

    public static ScalingSignal Compute(ScaleTarget target, IReadOnlyList<TopicObservation> observations, double? learnedPerReplicaRate)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(observations);

        double backlog = 0, backlogMessages = 0, inflow = 0, outRate = 0, missingInflow = 0, activationInflow = 0;
        var consumers = 0;
        var missing = new List<TopicName>();
        var oldest = DateTimeOffset.MaxValue;

        // Capacity evidence: every topic's out-rate from counters, a backlog at both ends and the same consumers throughout.
        var exact = observations.Count > 0;
        var reported = observations.Count > 0;
        var saturated = observations.Count > 0;
        double previousBacklog = 0, previousBacklogMessages = 0;
        var previousConsumers = 0;
        DateTimeOffset? earliestInBacklog = null;
        var ageKnown = true;

        foreach (var observation in observations)
        {
            var stats = observation.Stats;
            var topicInflow = observation.CounterRateIn ?? stats.MsgRateIn;
            exact &= observation.CounterRateIn is not null;
            reported &= stats.MsgInCounter is not null;
            inflow += topicInflow;

            // Activity must not flap on one quiet interval of sparse traffic: the larger of the exact and the windowed rate.
            var activityInflow = Math.Max(observation.CounterRateIn ?? 0, stats.MsgRateIn);
            activationInflow += activityInflow;
            oldest = observation.FetchedAt < oldest ? observation.FetchedAt : oldest;
            if (stats.Subscriptions.TryGetValue(target.Subscription, out var sub))
            {
                var counterOut = observation.CounterRateOut(target.Subscription);
                exact &= counterOut is not null;
                reported &= sub.MsgOutCounter is not null;
                backlog += sub.MsgBacklog;
                backlogMessages += sub.MsgBacklog * Math.Max(1, sub.AvgMessagesPerEntry);
                if (sub.MsgBacklog > 0)
                {
                    ageKnown &= sub.EarliestPublishTimeInBacklog is not null;
                    earliestInBacklog = sub.EarliestPublishTimeInBacklog is { } published && (earliestInBacklog is null || published < earliestInBacklog) ? published : earliestInBacklog;
                }

                outRate += counterOut ?? sub.MsgRateOut;
                consumers = Math.Max(consumers, sub.ConsumerCount);
                if (counterOut is not null && observation.Previous!.Subscriptions.TryGetValue(target.Subscription, out var before))
                {
                    previousBacklog += before.MsgBacklog;
                    previousBacklogMessages += before.MsgBacklog * Math.Max(1, before.AvgMessagesPerEntry);
                    previousConsumers = Math.Max(previousConsumers, before.ConsumerCount);
                }
                else
                {
                    saturated = false;
                }
            }
            else
            {
                missing.Add(observation.Topic);
                missingInflow += activityInflow;
                saturated = false;
            }
        }

        var saturatedBacklog = outRate * SaturatedBacklogSeconds;
        double? capacitySample = saturated && exact && backlog > 0 && previousBacklog > 0 && consumers > 0
                                 && consumers == previousConsumers && outRate > 0 && double.IsFinite(outRate)
                                 && backlogMessages >= saturatedBacklog && previousBacklogMessages >= saturatedBacklog
            ? outRate / consumers
            : null;

        var perReplicaRate = target.MsgRatePerReplica ?? learnedPerReplicaRate;
        // The age as of the fetch (the broker's publish time against our fetch time): the rate-based terms are as of then too.
        double? backlogAge = ageKnown && earliestInBacklog is { } earliestPublished ? Math.Max(0, (oldest - earliestPublished).TotalSeconds) : null;
        var needed = ReplicasNeeded(target, backlog, backlogMessages, inflow, outRate, consumers, perReplicaRate, backlogAge);
        var desired = Math.Ceiling(needed);

        // Capacity mode serves the replicas needed unrounded: the HPA rounds up itself, and its 10 % tolerance on the
        // unrounded value is the hysteresis that keeps an inflow right at a replica's capacity (1.005 replicas) from
        // flapping between one and two replicas.
        var metric = target.Mode == ScalingMode.Backlog ? backlog : needed;

        var active = backlog > target.ActivationMsgBacklogThreshold
                     || (target.ActivationMsgRateThreshold is { } rate && activationInflow > rate)
                     || missingInflow > 0;

        return new ScalingSignal(
            backlog, inflow, outRate, consumers, metric, active, desired, perReplicaRate, missing,
            observations.Count == 0 ? DateTimeOffset.MinValue : oldest)
        {
            RatesFromCounters = exact,
            CountersReported = reported,
            CapacitySample = capacitySample,
            OldestBacklogPublishTime = ageKnown ? earliestInBacklog : null,
            BacklogAgeKnown = ageKnown,
        };
    }

    /// <summary>Replicas the backlog and inflow call for, unrounded (the fallback backlog formula is whole already).</summary>
    internal static double ReplicasNeeded(
        ScaleTarget target, double backlog, double backlogMessages, double inflow, double outRate, int consumers, double? perReplicaRate, double? backlogAge = null)
    {
        if (backlog <= 0 && inflow <= 0)
        {
            return 0;
        }

        // Backlog mode always uses the backlog formula (what its HPA does with the metric); capacity mode does until a
        // per-replica rate is known.
        if (target.Mode == ScalingMode.Backlog || perReplicaRate is not { } rate || rate <= 0)
        {
            // Messages are flowing, so at least one replica is needed even before the rate is known.
            return Math.Max(Math.Ceiling(backlog / target.MsgBacklogThreshold), inflow > 0 ? 1 : 0);
        }

        return (inflow + DrainRate(target, backlogMessages, inflow, Math.Min(outRate, consumers * rate), backlogAge)) / rate;
    }

    /// <summary>The rate (msg/s) capacity mode spends on the backlog, on top of the inflow.</summary>
    /// <param name="consumerRate">What the connected consumers process now: the out-rate, at most consumers × per-replica
    /// rate, because Pulsar's dispatch counter also counts the receiver-queue prefetch of consumers that just connected
    /// (up to a queue each) and redeliveries.</param>
    /// <remarks>
    /// <para>drain = min(backlog / (S + targetDrainSeconds), max(catchUpRatio × inflow, consumerRate − inflow, backlog / (S + maxDrainSeconds))),
    /// S = replicaStartupSeconds: replicas asked for now consume only once started, so drain times count from then.</para>
    /// <para>The first term drains a backlog within targetDrainSeconds of new replicas starting; catchUpRatio × inflow
    /// caps it once the backlog is larger than catchUpRatio × (S + targetDrainSeconds) seconds of inflow, which is what a
    /// burst leaves while replicas are still starting. Sizing that drain for targetDrainSeconds asks for replicas that
    /// start after the replicas the inflow already called for are draining the backlog, and the HPA then keeps them for
    /// its scale-down window (300 s by default): on the what-if's spiky preset, up to 50 replicas per burst where 31 gave
    /// the same lag. While the inflow stays at the rate the backlog built up at, draining at catchUpRatio × inflow makes
    /// the backlog's lag fall catchUpRatio seconds per second. The default 0.5 is where catching up faster stopped buying
    /// p95 or p99 lag in the what-if and only bought a little time over the lag SLO at a large cost (README, "What-if").</para>
    /// <para>Two floors: consumerRate − inflow, what the connected consumers already drain, so replicas draining a large
    /// backlog are not recommended away when the inflow falls (a burst that ended before its backlog did); and
    /// S + maxDrainSeconds, so a backlog without inflow (producers stopped after an outage) does not drain at a
    /// trickle.</para>
    /// <para>One exception to the cap: a backlog whose oldest message has already waited S + targetDrainSeconds, while the
    /// connected consumers drain more than <see cref="EndedBurstRatio"/> times the inflow, is drained within
    /// targetDrainSeconds. The cap is there for a burst in progress; once it has ended, the inflow it is a fraction of
    /// has fallen to the base rate and no longer says how fast the burst's tail must go, and that tail's messages are
    /// already late. On the what-if's spiky preset this closed the last one to two seconds of p99 lag between capacity
    /// mode and keda-backlog on the seeds where a short burst ended before its replicas were up (README, "What-if"),
    /// and changed nothing on bursts whose consumers were still only catching up with them. It needs the age, which
    /// Pulsar reports from 2.11 on (<c>earliestMsgPublishTimeInBacklog</c>); without it the cap stays.</para>
    /// </remarks>
    /// <param name="backlogAge">Seconds the backlog's oldest message had waited when the stats were fetched; null when unknown.</param>
    internal static double DrainRate(ScaleTarget target, double backlogMessages, double inflow, double consumerRate, double? backlogAge = null)
    {
        if (backlogMessages <= 0)
        {
            return 0;
        }

        var startup = target.ReplicaStartupSeconds;
        var within = backlogMessages / (startup + target.TargetDrainSeconds);
        if (backlogAge is { } age && age >= startup + target.TargetDrainSeconds
            && double.IsFinite(consumerRate) && consumerRate > EndedBurstRatio * inflow)
        {
            return within;
        }

        var slowest = backlogMessages / (startup + target.MaxDrainSeconds);
        var draining = double.IsFinite(consumerRate) ? consumerRate - inflow : 0;
        return Math.Min(within, Math.Max(Math.Max(target.CatchUpRatio * inflow, draining), slowest));
    }
}
