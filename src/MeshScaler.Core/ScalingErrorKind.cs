namespace MeshScaler.Core;

/// <summary>Why a scaling question could not be answered. Hosts map each kind to their protocol's status.</summary>
public enum ScalingErrorKind
{
    /// <summary>The request itself is wrong (trigger metadata, metric name). Not retried.</summary>
    InvalidArgument,

    /// <summary>The topic (or namespace) does not exist.</summary>
    NotFound,

    /// <summary>The source is unreachable, failing, or its last good value is older than allowed.</summary>
    Unavailable,

    /// <summary>The source refused our credentials' authorization (Pulsar answers 401 with a JSON reason, or 403).</summary>
    PermissionDenied,

    /// <summary>The source did not accept our credentials (authentication).</summary>
    Unauthenticated,
}
