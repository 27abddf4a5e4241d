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
/// <param name="Topics">The input topics; null when they cannot be used (<paramref name="TopicsProblem"/> says why).</param>
/// <param name="Subscription">The subscription the runners consume with.</param>
/// <param name="AdminUrl">The ConfigMap's <c>webServiceURL</c>, normalized; null when unknown (<paramref name="AdminUrlProblem"/> says why).</param>
/// <param name="AdminUrlProblem">Why there is no admin URL: no pulsarConfig, a missing ConfigMap, no or a bad webServiceURL.</param>
/// <param name="TopicsProblem">Why there are no topics: a Source, or topics the metric cannot sum (several patterns).</param>
/// <remarks>A problem is an error only when the metadata does not set the value itself: explicit keys win.</remarks>
/// <param name="AdminUrlPending">The ConfigMap cannot be read yet (its cache is not listed): the problem is passing, not the resource's.</param>
public sealed record FunctionFacts(
    FunctionRef Function, string Fqfn, TopicSelector? Topics, string Subscription, Uri? AdminUrl, string? AdminUrlProblem = null, string? TopicsProblem = null,
    bool AdminUrlPending = false);

/// <summary>A runner pod of a Function: where its metrics are served. No IP yet: pending, and named when scraped.</summary>
public sealed record RunnerPod(string Name, string? Ip, int Port);

/// <summary>
/// Function Mesh resources as the cluster has them now (a watched cache, never a request per call). Throws
/// <see cref="ScalingException"/>: NotFound for a resource that does not exist, InvalidArgument for one that cannot be
/// resolved (malformed fields, a missing ConfigMap), Unavailable while the cache is not synced.
/// </summary>
public interface IFunctionDirectory
{
    FunctionFacts Resolve(FunctionRef function);

    /// <summary>The resource's runner pods now, in name order, terminating ones left out.</summary>
    IReadOnlyList<RunnerPod> Pods(FunctionRef function);

    /// <summary>
    /// The Functions, Sinks and Sources in <paramref name="namespace"/> whose runner pods <paramref name="selector"/>
    /// selects by the operator's labels (<see cref="FunctionMeshLabels"/>): an HPA on a resource sends its
    /// <c>status.selector</c>, which holds only those.
    /// </summary>
    IReadOnlyList<FunctionRef> Select(string @namespace, LabelSelector selector);

    /// <summary>The Functions, Sinks and Sources FunctionMesh <paramref name="name"/> in <paramref name="namespace"/> creates, by their own names.</summary>
    /// <exception cref="ScalingException">The FunctionMesh does not exist (NotFound), or the directory cannot tell.</exception>
    IReadOnlyList<FunctionRef> MeshMembers(string @namespace, string name) =>
        throw new ScalingException(ScalingErrorKind.NotFound, $"FunctionMesh {@namespace}/{name}: this directory knows no FunctionMeshes");
}
