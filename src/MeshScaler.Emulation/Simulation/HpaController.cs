namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// The HPA's decision after the metric proposal (kubernetes <c>horizontal.go</c>,
/// <c>normalizeDesiredReplicasWithBehaviors</c>): stabilization over the recommendation history, then the scale-up and
/// scale-down rate limits of the behavior's policies, then min/max.
/// </summary>
public sealed class HpaController
{
    private readonly HpaSettings _settings;
    private readonly List<(DateTimeOffset At, int Replicas)> _recommendations = [];
    private readonly List<(DateTimeOffset At, int Change)> _scaleUpEvents = [];
    private readonly List<(DateTimeOffset At, int Change)> _scaleDownEvents = [];

    public HpaController(HpaSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MinReplicas < 1 || settings.MaxReplicas < settings.MinReplicas)
        {
            throw new ArgumentException($"HPA needs 1 <= MinReplicas <= MaxReplicas (got {settings.MinReplicas}..{settings.MaxReplicas})", nameof(settings));
        }

        _settings = settings;
    }

    public HpaSettings Settings => _settings;

    /// <summary>
    /// One sync: returns the replica count the HPA writes, given the metric's <paramref name="proposal"/> and the
    /// current <c>spec.replicas</c>. A current count of 0 means KEDA has scaled to zero: the HPA does nothing.
    /// </summary>
    public int Decide(DateTimeOffset now, int currentReplicas, int proposal)
    {
        if (currentReplicas == 0)
        {
            // "scaling is disabled" while spec.replicas is 0 and minReplicas is not.
            return 0;
        }

        var stabilized = Stabilize(now, currentReplicas, proposal);
        var limited = ApplyRateLimits(now, currentReplicas, stabilized);
        var desired = Math.Clamp(limited, _settings.MinReplicas, _settings.MaxReplicas);
        if (desired > currentReplicas)
        {
            _scaleUpEvents.Add((now, desired - currentReplicas));
        }
        else if (desired < currentReplicas)
        {
            _scaleDownEvents.Add((now, currentReplicas - desired));
        }

        return desired;
    }

    private int Stabilize(DateTimeOffset now, int current, int proposal)
    {
        var behavior = _settings.Behavior;
        var upCutoff = now - behavior.ScaleUp.StabilizationWindow;
        var downCutoff = now - behavior.ScaleDown.StabilizationWindow;
        int up = proposal, down = proposal;
        foreach (var (at, replicas) in _recommendations)
        {
            if (at > upCutoff)
            {
                up = Math.Min(up, replicas);
            }

            if (at > downCutoff)
            {
                down = Math.Max(down, replicas);
            }
        }

        var longest = behavior.ScaleUp.StabilizationWindow > behavior.ScaleDown.StabilizationWindow
            ? behavior.ScaleUp.StabilizationWindow
            : behavior.ScaleDown.StabilizationWindow;
        _recommendations.RemoveAll(r => r.At <= now - longest);
        _recommendations.Add((now, proposal));

        var recommendation = current;
        if (recommendation < up)
        {
            recommendation = up;
        }

        if (recommendation > down)
        {
            recommendation = down;
        }

        return recommendation;
    }

    private int ApplyRateLimits(DateTimeOffset now, int current, int desired)
    {
        var behavior = _settings.Behavior;
        if (desired > current)
        {
            if (behavior.ScaleUp.Disabled)
            {
                return current;
            }

            var limit = ScaleUpLimit(now, current, behavior.ScaleUp);
            return Math.Min(desired, Math.Max(limit, current));
        }

        if (desired < current)
        {
            if (behavior.ScaleDown.Disabled)
            {
                return current;
            }

            var limit = ScaleDownLimit(now, current, behavior.ScaleDown);
            return Math.Max(desired, Math.Min(limit, current));
        }

        return desired;
    }

    /// <summary>The replica count at the start of a policy's period: current minus what this HPA added, plus what it removed, within it.</summary>
    private int PeriodStart(DateTimeOffset now, int current, TimeSpan period) =>
        current - Changes(_scaleUpEvents, now, period) + Changes(_scaleDownEvents, now, period);

    private int ScaleUpLimit(DateTimeOffset now, int current, HpaScalingRules rules)
    {
        var result = rules.SelectMax ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies)
        {
            var periodStart = PeriodStart(now, current, policy.Period);
            var proposed = policy.Type == HpaPolicyType.Pods
                ? periodStart + policy.Value
                : (int)Math.Ceiling(periodStart * (1 + (policy.Value / 100.0)));
            result = rules.SelectMax ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }

        return result == int.MinValue || result == int.MaxValue ? current : result;
    }

    private int ScaleDownLimit(DateTimeOffset now, int current, HpaScalingRules rules)
    {
        var result = rules.SelectMax ? int.MaxValue : int.MinValue;
        foreach (var policy in rules.Policies)
        {
            var periodStart = PeriodStart(now, current, policy.Period);
            var proposed = policy.Type == HpaPolicyType.Pods
                ? periodStart - policy.Value
                : (int)(periodStart * (1 - (policy.Value / 100.0)));
            result = rules.SelectMax ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }

        return result == int.MinValue || result == int.MaxValue ? current : result;
    }

    private static int Changes(List<(DateTimeOffset At, int Change)> events, DateTimeOffset now, TimeSpan period)
    {
        events.RemoveAll(e => e.At <= now - TimeSpan.FromMinutes(30));
        var sum = 0;
        foreach (var (at, change) in events)
        {
            if (at > now - period)
            {
                sum += change;
            }
        }

        return sum;
    }
}
