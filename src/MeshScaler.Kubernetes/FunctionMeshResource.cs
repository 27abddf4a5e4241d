using MeshScaler.Core;

namespace MeshScaler.Kubernetes;

/// <summary>
/// The fields of a Function, Sink or Source that scaling uses, with the webhook's defaults applied. A resource whose
/// fields cannot be read is kept with <see cref="Error"/> set, so a request for it is told what is wrong instead of
/// "not found".
/// </summary>
internal sealed record FunctionMeshResource(
    FunctionRef Ref,
    string ResourceVersion,
    string Tenant,
    string PulsarNamespace,
    string PulsarName,
    IReadOnlyList<TopicName> InputTopics,
    IReadOnlyList<string> InputPatterns,
    string? SubscriptionName,
    string? PulsarConfigMap,
    int? Replicas,
    string? Error)
{
    /// <summary><c>tenant/namespace/name</c> in Pulsar.</summary>
    public string Fqfn => $"{Tenant}/{PulsarNamespace}/{PulsarName}";

    /// <summary>Function Mesh's default subscription is the FQFN (<c>getSubscriptionNameOrDefault</c>).</summary>
    public string Subscription => SubscriptionName ?? Fqfn;
}

/// <summary>A FunctionMesh: which children it declares (each becomes a resource named <c>&lt;mesh&gt;-&lt;spec.name&gt;</c>).</summary>
internal sealed record FunctionMeshSet(string Namespace, string Name, string ResourceVersion, IReadOnlyList<FunctionRef> Children);

/// <summary>A runner pod: just what scraping it needs. A pod without an IP (pending, or being deleted) is kept, and named when asked for.</summary>
internal sealed record RunnerPodInfo(string Namespace, string Name, string ResourceVersion, ComponentKind Kind, string Component, string? Ip, int MetricsPort, bool Ready, bool Terminating);

/// <summary>A ConfigMap: only its <c>webServiceURL</c>, the one key MeshScaler reads (the rest is not kept, to bound memory).</summary>
internal sealed record ConfigMapInfo(string Namespace, string Name, string ResourceVersion, string? WebServiceUrl);
