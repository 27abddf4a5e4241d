namespace MeshScaler.Core;

/// <summary>Defaults of the trigger metadata, the same as KEDA's pulsar scaler where the key exists there.</summary>
public static class MetadataDefaults
{
    public const double MsgBacklogThreshold = 10;
    public const double ActivationMsgBacklogThreshold = 0;
    public const double TargetDrainSeconds = 60;
    public const double ReplicaStartupSeconds = 0;
    public const double CatchUpRatio = 0.5;

    /// <summary>
    /// <c>activationMsgRateThreshold</c> in capacity mode when not set: active while any message flows in. A function
    /// that keeps up has a backlog near 0, so backlog alone would report it inactive while its metric asks for replicas,
    /// and KEDA would scale it to zero after <c>cooldownPeriod</c> only to wake it on the next backlog (flapping).
    /// Backlog mode keeps KEDA's rule (backlog only) and has no rate threshold by default.
    /// </summary>
    public const double CapacityActivationMsgRateThreshold = 0;

    /// <summary>The shortest drain time accepted: a millisecond.</summary>
    public const double MinSeconds = 0.001;

    /// <summary>The longest duration a seconds key accepts: one day. Beyond it the sums in the formulas lose meaning.</summary>
    public const double MaxSeconds = 86_400;

    /// <summary>The largest value a ratio key accepts.</summary>
    public const double MaxRatio = 100;

    /// <summary>
    /// <c>maxDrainSeconds</c> when not set: 300 s, the HPA's default scale-down stabilization window (a replica added for
    /// a backlog is kept that long anyway), or <c>targetDrainSeconds</c> when that is longer.
    /// </summary>
    public static double MaxDrainSeconds(double targetDrainSeconds) => Math.Max(300, targetDrainSeconds);
}
