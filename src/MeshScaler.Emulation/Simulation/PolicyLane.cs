namespace MeshScaler.Emulation.Simulation;

/// <summary>One policy driving one simulated function, ticked by the runner at every step.</summary>
internal abstract class PolicyLane(string id, FunctionModel model)
{
    public string Id { get; } = id;

    public FunctionModel Model { get; } = model;

    /// <summary>Seconds during which the oldest waiting message was older than the lag SLO.</summary>
    public double SecondsOverSlo { get; set; }

    /// <summary>Seconds from the first message arriving with no replica to a replica being requested, per wake.</summary>
    public List<double> ActivationDelays { get; } = [];

    /// <summary>Controller errors (a skipped poll or sync), counted for the notes.</summary>
    public int Errors { get; set; }

    /// <summary>Runs whatever controller is due at <paramref name="elapsed"/> since the start.</summary>
    public abstract Task TickAsync(DateTimeOffset now, TimeSpan elapsed, CancellationToken cancellationToken);

    /// <summary>A pushed activity transition (StreamIsActive); ignored by policies without push.</summary>
    public virtual void OnPush(DateTimeOffset now, bool active)
    {
    }

    protected static bool IsDue(TimeSpan elapsed, TimeSpan period) => elapsed.Ticks % period.Ticks == 0;

    protected void Apply(DateTimeOffset now, int replicas, DateTimeOffset? waitingSince)
    {
        if (Model.Requested == 0 && replicas > 0 && waitingSince is { } since)
        {
            ActivationDelays.Add((now - since).TotalSeconds);
        }

        Model.SetReplicas(replicas, now);
    }
}
