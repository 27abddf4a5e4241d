namespace MeshScaler.MetricsApi;

/// <summary>The upstream adapter could not give what was asked; the message says why, in a few words.</summary>
internal sealed class UpstreamException(string message) : Exception(message);
