namespace MeshScaler.Core;

/// <summary>The three Function Mesh kinds that run Pulsar instances and have a <c>/scale</c> subresource.</summary>
public enum ComponentKind
{
    Function,
    Sink,
    Source,
}
