namespace MeshScaler.Core;

/// <summary>
/// Turns what a ScaledObject names (<c>adminURL</c> and/or <c>pulsarCluster</c>) into a cluster MeshScaler is allowed
/// to call. Throws <see cref="ScalingException"/> with <see cref="ScalingErrorKind.InvalidArgument"/> when the names
/// do not select exactly one allowed cluster.
/// </summary>
public interface IPulsarClusterResolver
{
    /// <summary>
    /// Resolves a cluster. When clusters are configured, <paramref name="clusterName"/> selects by name and
    /// <paramref name="adminUrl"/> must match a configured admin URL (and agree with the name when both are given).
    /// When none are configured, any absolute http(s) <paramref name="adminUrl"/> is accepted.
    /// </summary>
    PulsarClusterRef Resolve(Uri? adminUrl, string? clusterName);
}
