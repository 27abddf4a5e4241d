namespace MeshScaler.Core;

/// <summary>
/// Identifies the Pulsar cluster a question is asked of. <see cref="Name"/> is the configured cluster name
/// (server-side configuration) or, when no clusters are configured, the normalized admin URL itself.
/// </summary>
public sealed record PulsarClusterRef(string Name, Uri AdminUrl)
{
    public override string ToString() => Name;
}
