namespace MeshScaler.Emulation.Simulation;

/// <summary>One policy driving one simulated function, ticked by the runner at every step.</summary>
internal abstract class PolicyLane(string id, FunctionModel model, ControllerPhases phases)
{
    public string Id { get; } = id;

    public FunctionModel Model { get; } = model;

    /// <summary>
    /// A guard against a hung call, in real time: the virtual clock stands still while a call is awaited, so a call the
    /// backend never answers would otherwise hang the run. A call that exceeds it counts as a scaler error.
    /// </summary>
    public static readonly TimeSpan CallGuard = TimeSpan.FromSeconds(60);

    /// <summary>When KEDA polls and the HPA syncs, shared by every lane of a run.</summary>
    public ControllerPhases Phases { get; } = phases;

    /// <summary>Seconds during which the oldest waiting message was older than the lag SLO.</summary>
    public double SecondsOverSlo { get; set; }

    /// <summary>
    /// Seconds from the first message arriving with no replica to a replica being requested, per wake from zero (not the
    /// initial deployment: waiting since the run's first step does not count).
    /// </summary>
    public List<double> ActivationDelays { get; } = [];

    /// <summary>Controller errors (a skipped poll or sync), counted for the notes.</summary>
    public int Errors { get; set; }

    /// <summary>Runs whatever controller is due at <paramref name="elapsed"/> since the start.</summary>
    public abstract Task TickAsync(DateTimeOffset now, TimeSpan elapsed, CancellationToken cancellationToken);

    /// <summary>A pushed activity transition (StreamIsActive); ignored by policies without push.</summary>
    public virtual void OnPush(DateTimeOffset now, bool active)
    {
    }

    protected void Apply(DateTimeOffset now, int replicas, DateTimeOffset? waitingSince)
    {
        if (Model.Requested == 0 && replicas > 0 && waitingSince is { } since && since > Model.Started)
        {
            ActivationDelays.Add((now - since).TotalSeconds);
        }

        Model.SetReplicas(replicas, now);
    }
}
