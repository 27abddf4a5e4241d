namespace MeshScaler.Core;

/// <summary>Defaults of the trigger metadata, the same as KEDA's pulsar scaler where the key exists there.</summary>
public static class MetadataDefaults
{
    public const double MsgBacklogThreshold = 10;
    public const double ActivationMsgBacklogThreshold = 0;
    public const double TargetDrainSeconds = 60;
}
