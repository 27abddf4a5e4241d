using k8s;
using MeshScaler.Core;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Kubernetes;

/// <summary>The informers of one kind: one for the cluster, or one per configured namespace, sharing one cache.</summary>
internal sealed class InformerSet<T>(IReadOnlyList<ResourceInformer<T>> informers)
    where T : class
{
    /// <summary>Each namespace's informer, when namespaces are watched one by one (looked up on every read).</summary>
    private readonly Dictionary<string, ResourceInformer<T>> _byNamespace =
        informers.Where(i => i.Namespace is not null).ToDictionary(i => i.Namespace!, StringComparer.Ordinal);

    public IReadOnlyList<ResourceInformer<T>> Informers => informers;

    /// <summary>The kind's one cache, which the informer of every scope fills.</summary>
    public ResourceCache<T> Cache => informers[0].Cache;

    /// <summary>The informer whose scope holds <paramref name="namespace"/> (the cluster-wide one when there is one).</summary>
    /// <exception cref="InvalidOperationException">No informer watches that namespace (the directory checks first).</exception>
    public ResourceInformer<T> Single(string @namespace) =>
        informers.Count == 1 ? informers[0]
        : _byNamespace.TryGetValue(@namespace, out var informer) ? informer
        : throw new InvalidOperationException($"no informer watches namespace {@namespace}");
}

/// <summary>
/// Every watched kind: Function, Sink, Source and FunctionMesh as custom objects, runner Pods (by label) and
/// ConfigMaps; one list+watch per kind per scope.
/// </summary>
internal sealed class FunctionMeshCaches
{
    public FunctionMeshCaches(IKubernetes client, KubernetesOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("MeshScaler.Kubernetes");
        // A namespace listed twice is watched once.
        IReadOnlyList<string?> scopes = options.Namespaces.Count == 0 ? [null] : [.. options.Namespaces.Distinct(StringComparer.Ordinal)];
        InformerSet<T> Set<T>(IResourceApi<T> api, ResourceCache<T> cache)
            where T : class => new([.. scopes.Select(ns => new ResourceInformer<T>(api, cache, ns, options, time, logger))]);

        Functions = Set(new CustomObjectApi<FunctionMeshResource>(client, "functions", item => FunctionMeshJson.ReadComponent(item, ComponentKind.Function)), new ResourceCache<FunctionMeshResource>());
        Sinks = Set(new CustomObjectApi<FunctionMeshResource>(client, "sinks", item => FunctionMeshJson.ReadComponent(item, ComponentKind.Sink)), new ResourceCache<FunctionMeshResource>());
        Sources = Set(new CustomObjectApi<FunctionMeshResource>(client, "sources", item => FunctionMeshJson.ReadComponent(item, ComponentKind.Source)), new ResourceCache<FunctionMeshResource>());
        Meshes = Set(new CustomObjectApi<FunctionMeshSet>(client, "functionmeshes", FunctionMeshJson.ReadMesh), new ResourceCache<FunctionMeshSet>());
        ConfigMaps = Set(new ConfigMapApi<ConfigMapInfo>(client, FunctionMeshJson.ReadConfigMap), new ResourceCache<ConfigMapInfo>());
        Pods = Set(new PodApi(client), new ResourceCache<RunnerPodInfo>(pod => PodIndex(pod.Namespace, pod.Kind, pod.Component)));
    }

    public InformerSet<FunctionMeshResource> Functions { get; }

    public InformerSet<FunctionMeshResource> Sinks { get; }

    public InformerSet<FunctionMeshResource> Sources { get; }

    public InformerSet<FunctionMeshSet> Meshes { get; }

    public InformerSet<ConfigMapInfo> ConfigMaps { get; }

    public InformerSet<RunnerPodInfo> Pods { get; }

    public InformerSet<FunctionMeshResource> Components(ComponentKind kind) => kind switch
    {
        ComponentKind.Sink => Sinks,
        ComponentKind.Source => Sources,
        _ => Functions,
    };

    public static string PodIndex(string @namespace, ComponentKind kind, string owner) => $"{@namespace}/{kind}/{owner}";

    /// <summary>Runs every informer until <paramref name="cancellationToken"/> fires.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        Functions.Informers.Select(i => i.RunAsync(cancellationToken))
            .Concat(Sinks.Informers.Select(i => i.RunAsync(cancellationToken)))
            .Concat(Sources.Informers.Select(i => i.RunAsync(cancellationToken)))
            .Concat(Meshes.Informers.Select(i => i.RunAsync(cancellationToken)))
            .Concat(ConfigMaps.Informers.Select(i => i.RunAsync(cancellationToken)))
            .Concat(Pods.Informers.Select(i => i.RunAsync(cancellationToken))));
}
