namespace MeshScaler.Core;

/// <summary>A Function Mesh resource: its kind, Kubernetes namespace and <c>metadata.name</c>.</summary>
public sealed record FunctionRef(ComponentKind Kind, string Namespace, string Name)
{
    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}

/// <summary><c>runnerMetrics</c>: whether capacity mode reads the runner pods' own processing rate.</summary>
public enum RunnerMetricsMode
{
    /// <summary>Used when the trigger names a Function (<c>function:</c>), whose pods are then known.</summary>
    Auto,

    /// <summary>Required: a trigger whose runner metrics cannot be read fails instead of inferring.</summary>
    Required,

    /// <summary>Never read; the per-replica rate is inferred from the subscription, as without Function Mesh.</summary>
    Off,
}

/// <summary>
/// What a Function Mesh resource says about scaling it, read from the resource and its ConfigMap as the operator reads
/// them: its input topics, subscription (explicit or the default, the FQFN) and Pulsar admin URL.
/// </summary>
/// <param name="Function">The resource.</param>
/// <param name="Fqfn"><c>tenant/namespace/name</c> in Pulsar (the runner metrics' <c>fqfn</c> label).</param>
/// <param name="Topics">The input topics; null for a Source, which has none.</param>
/// <param name="Subscription">The subscription the runners consume with.</param>
/// <param name="AdminUrl">The ConfigMap's <c>webServiceURL</c>, normalized; null when it has none.</param>
/// <param name="ConfigMap">The ConfigMap named by <c>spec.pulsar.pulsarConfig</c>, for error messages.</param>
public sealed record FunctionFacts(FunctionRef Function, string Fqfn, TopicSelector? Topics, string Subscription, Uri? AdminUrl, string? ConfigMap);

/// <summary>
/// Function Mesh resources as the cluster has them now (a watched cache, never a request per call). Throws
/// <see cref="ScalingException"/>: NotFound for a resource that does not exist, InvalidArgument for one that cannot be
/// resolved (malformed fields, a missing ConfigMap), Unavailable while the cache is not synced.
/// </summary>
public interface IFunctionDirectory
{
    FunctionFacts Resolve(FunctionRef function);
}
