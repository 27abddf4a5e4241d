using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace MeshScaler.Kubernetes;

/// <summary>One page of a list: the items read, the list's resourceVersion, and the continue token.</summary>
internal sealed record ResourcePage<T>(IReadOnlyList<(string Namespace, string Name, T? Item)> Items, string ResourceVersion, string? Continue)
    where T : class;

/// <summary>
/// One watch event. <see cref="Item"/> is null for an object that is not (or no longer) one of ours, such as a pod that
/// lost its Function Mesh labels: it is removed from the cache.
/// </summary>
internal sealed record ResourceEvent<T>(WatchEventType Type, string Namespace, string Name, T? Item, string? ResourceVersion)
    where T : class;

/// <summary>List and watch of one kind on KubernetesClient, read into our own model.</summary>
internal interface IResourceApi<T>
    where T : class
{
    /// <summary>The resource as RBAC names it, e.g. <c>functions.compute.functionmesh.io</c> or <c>pods</c>.</summary>
    string Resource { get; }

    Task<ResourcePage<T>> ListAsync(string? @namespace, string? continueToken, string? resourceVersion, int limit, CancellationToken cancellationToken);

    IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? @namespace, string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken);
}

/// <summary>A Function Mesh kind, read as custom objects (JSON) into our model.</summary>
internal sealed class CustomObjectApi<T>(IKubernetes client, string plural, Func<JsonElement, T?> read) : IResourceApi<T>
    where T : class
{
    public const string Group = "compute.functionmesh.io";
    public const string Version = "v1alpha1";

    public string Resource => $"{plural}.{Group}";

    public async Task<ResourcePage<T>> ListAsync(string? @namespace, string? continueToken, string? resourceVersion, int limit, CancellationToken cancellationToken)
    {
        var body = @namespace is null
            ? await client.CustomObjects.ListClusterCustomObjectAsync(Group, Version, plural, continueParameter: continueToken, limit: limit, resourceVersion: resourceVersion, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CustomObjects.ListNamespacedCustomObjectAsync(Group, Version, @namespace, plural, continueParameter: continueToken, limit: limit, resourceVersion: resourceVersion, cancellationToken: cancellationToken).ConfigureAwait(false);
        var list = body is JsonElement element ? element : JsonSerializer.SerializeToElement(body);
        var items = new List<(string, string, T?)>();
        if (list.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                if (FunctionMeshJson.Identity(item) is var (ns, name, _))
                {
                    items.Add((ns, name, read(item)));
                }
            }
        }

        var metadata = list.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        return new ResourcePage<T>(items, Text(metadata, "resourceVersion") ?? string.Empty, Text(metadata, "continue") is { Length: > 0 } next ? next : null);
    }

    public async IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? @namespace, string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = @namespace is null
            ? client.CustomObjects.WatchListClusterCustomObjectAsync(Group, Version, plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken)
            : client.CustomObjects.WatchListNamespacedCustomObjectAsync(Group, Version, @namespace, plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, body) in events.ConfigureAwait(false))
        {
            var item = body is JsonElement element ? element : JsonSerializer.SerializeToElement(body);
            if (type == WatchEventType.Bookmark)
            {
                yield return new ResourceEvent<T>(type, string.Empty, string.Empty, null, FunctionMeshJson.ResourceVersionOf(item));
            }
            else if (FunctionMeshJson.Identity(item) is var (ns, name, rv))
            {
                yield return new ResourceEvent<T>(type, ns, name, type == WatchEventType.Deleted ? null : read(item), rv);
            }
            else
            {
                onError(new FormatException($"{Resource}: a {type} event without metadata.name"));
            }
        }
    }

    private static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>Function Mesh runner pods only (a label selector), read into <see cref="RunnerPodInfo"/>.</summary>
internal sealed class PodApi(IKubernetes client) : IResourceApi<RunnerPodInfo>
{
    /// <summary>Every Function Mesh runner carries this label (functions, sinks and sources alike); other pods are never listed.</summary>
    public const string Selector = FunctionMeshJson.ComponentLabel + " in (function,sink,source)";

    public string Resource => "pods";

    public async Task<ResourcePage<RunnerPodInfo>> ListAsync(string? @namespace, string? continueToken, string? resourceVersion, int limit, CancellationToken cancellationToken)
    {
        var list = @namespace is null
            ? await client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: continueToken, labelSelector: Selector, limit: limit, resourceVersion: resourceVersion, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CoreV1.ListNamespacedPodAsync(@namespace, continueParameter: continueToken, labelSelector: Selector, limit: limit, resourceVersion: resourceVersion, cancellationToken: cancellationToken).ConfigureAwait(false);
        var items = list.Items.Where(p => p.Metadata?.Name is not null)
            .Select(p => (p.Metadata.NamespaceProperty ?? string.Empty, p.Metadata.Name, FunctionMeshJson.ReadPod(p))).ToList();
        return new ResourcePage<RunnerPodInfo>(items, list.Metadata?.ResourceVersion ?? string.Empty, string.IsNullOrEmpty(list.Metadata?.ContinueProperty) ? null : list.Metadata.ContinueProperty);
    }

    public async IAsyncEnumerable<ResourceEvent<RunnerPodInfo>> WatchAsync(string? @namespace, string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = @namespace is null
            ? client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: Selector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken)
            : client.CoreV1.WatchListNamespacedPodAsync(@namespace, allowWatchBookmarks: true, labelSelector: Selector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, pod) in events.ConfigureAwait(false))
        {
            yield return new ResourceEvent<RunnerPodInfo>(
                type, pod.Metadata?.NamespaceProperty ?? string.Empty, pod.Metadata?.Name ?? string.Empty,
                type is WatchEventType.Deleted or WatchEventType.Bookmark ? null : FunctionMeshJson.ReadPod(pod), pod.Metadata?.ResourceVersion);
        }
    }
}

/// <summary>
/// ConfigMaps, read by <paramref name="read"/> into our model: the Pulsar cluster ConfigMaps Functions reference, and
/// kube-system's <c>extension-apiserver-authentication</c> (one object, by <paramref name="fieldSelector"/>).
/// </summary>
internal sealed class ConfigMapApi<T>(IKubernetes client, Func<V1ConfigMap, T?> read, string? fieldSelector = null) : IResourceApi<T>
    where T : class
{
    public string Resource => "configmaps";

    public async Task<ResourcePage<T>> ListAsync(string? @namespace, string? continueToken, string? resourceVersion, int limit, CancellationToken cancellationToken)
    {
        var list = @namespace is null
            ? await client.CoreV1.ListConfigMapForAllNamespacesAsync(continueParameter: continueToken, fieldSelector: fieldSelector, limit: limit, resourceVersion: resourceVersion, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CoreV1.ListNamespacedConfigMapAsync(@namespace, continueParameter: continueToken, fieldSelector: fieldSelector, limit: limit, resourceVersion: resourceVersion, cancellationToken: cancellationToken).ConfigureAwait(false);
        var items = list.Items.Where(c => c.Metadata?.Name is not null)
            .Select(c => (c.Metadata.NamespaceProperty ?? string.Empty, c.Metadata.Name, read(c))).ToList();
        return new ResourcePage<T>(items, list.Metadata?.ResourceVersion ?? string.Empty, string.IsNullOrEmpty(list.Metadata?.ContinueProperty) ? null : list.Metadata.ContinueProperty);
    }

    public async IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? @namespace, string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = @namespace is null
            ? client.CoreV1.WatchListConfigMapForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: fieldSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken)
            : client.CoreV1.WatchListNamespacedConfigMapAsync(@namespace, allowWatchBookmarks: true, fieldSelector: fieldSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, map) in events.ConfigureAwait(false))
        {
            yield return new ResourceEvent<T>(
                type, map.Metadata?.NamespaceProperty ?? string.Empty, map.Metadata?.Name ?? string.Empty,
                type is WatchEventType.Deleted or WatchEventType.Bookmark ? null : read(map), map.Metadata?.ResourceVersion);
        }
    }
}
