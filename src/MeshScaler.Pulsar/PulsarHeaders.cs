namespace MeshScaler.Pulsar;

internal static class PulsarHeaders
{
    /// <summary>Tells the broker which authentication provider to use for the request.</summary>
    public const string AuthMethodName = "X-Pulsar-Auth-Method-Name";
}
