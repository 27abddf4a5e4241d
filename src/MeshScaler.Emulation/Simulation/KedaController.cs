namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// KEDA's part of scaling (keda <c>scale_scaledobjects.go</c>): activation from 0 to max(minReplicaCount, 1) on an active
/// poll or a pushed <c>true</c>, and scale to 0 when a poll finds nothing active and <c>lastActiveTime + cooldownPeriod</c>
/// has passed (<c>creationTimestamp + initialCooldownPeriod</c> before any activity). Between 1 and N the HPA decides.
/// Errors never scale to zero: the caller skips the poll.
/// </summary>
public sealed class KedaController
{
    private readonly KedaSettings _settings;
    private DateTimeOffset? _lastActive;

    public KedaController(KedaSettings settings, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        Created = created;
    }

    public KedaSettings Settings => _settings;

    /// <summary>The ScaledObject's creation time: until the first activity, scale to zero waits for it + <see cref="KedaSettings.InitialCooldownPeriod"/>.</summary>
    public DateTimeOffset Created { get; }

    /// <summary>A poll's outcome: the replica count KEDA writes, or null for no change.</summary>
    public int? OnPoll(DateTimeOffset now, bool active, int currentReplicas)
    {
        var floor = Math.Max(_settings.MinReplicaCount, 1);
        if (active)
        {
            if (currentReplicas > 0 || _settings.MinReplicaCount == 0)
            {
                _lastActive = now;
            }

            return currentReplicas == 0 ? floor : null;
        }

        if (currentReplicas > 0 && _settings.MinReplicaCount == 0 && ScaleToZeroAfter < now)
        {
            return 0;
        }

        return null;
    }

    private DateTimeOffset ScaleToZeroAfter =>
        _lastActive is { } last ? last + _settings.CooldownPeriod : Created + _settings.InitialCooldownPeriod;

    /// <summary>A pushed activity: <c>true</c> activates from zero and restarts the cooldown; <c>false</c> is ignored (KEDA ≥ 2.18).</summary>
    public int? OnPush(DateTimeOffset now, bool active, int currentReplicas)
    {
        if (!_settings.Push || !active)
        {
            return null;
        }

        _lastActive = now;
        return currentReplicas == 0 ? Math.Max(_settings.MinReplicaCount, 1) : null;
    }
}
