using MeshScaler.Core;

namespace MeshScaler.Kubernetes;

/// <summary>
/// Answers "what does this Function say" from the watched caches: its inputs, subscription, admin URL and runner pods.
/// Never calls the API server; a cache that has not listed yet (or was refused) is named in the error.
/// </summary>
internal sealed class FunctionMeshDirectory : IFunctionDirectory
{
    private readonly FunctionMeshCaches _caches;
    private readonly HashSet<string> _watched;

    // Facts are handed out as the same object while the resource and its ConfigMap are the same objects in the caches,
    // so callers can cache what they derive from them by reference.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<FunctionRef, Remembered> _facts = new();

    public FunctionMeshDirectory(FunctionMeshCaches caches, KubernetesOptions options)
    {
        _caches = caches;
        _watched = new HashSet<string>(options.Namespaces, StringComparer.Ordinal);
    }

    /// <summary>Bounds the remembered facts (one per resource asked about).</summary>
    private const int MaxRemembered = 20_000;

    /// <remarks>
    /// Every read of a metric resolves its Function (the HPA's hot path), so the answer is remembered with the versions of
    /// the two caches it was read from: while neither has changed, nor can the answer, and nothing is looked up. Both
    /// are read before the look-ups, so a change that lands during them makes the next call look again. Facts read
    /// while the ConfigMaps were not listed yet (their informer's state counts too) are never served that way.
    /// </remarks>
    public FunctionFacts Resolve(FunctionRef function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var componentsVersion = _caches.Components(function.Kind).Cache.Version;
        var configMapsVersion = _caches.ConfigMaps.Cache.Version;
        _facts.TryGetValue(function, out var known);
        if (known is { Settled: true } && known.ComponentsVersion == componentsVersion && known.ConfigMapsVersion == configMapsVersion)
        {
            return known.Facts;
        }

        var resource = Find(function);
        if (resource.Error is { } error)
        {
            throw new ScalingException(ScalingErrorKind.InvalidArgument, error);
        }

        var configMaps = _caches.ConfigMaps.Single(function.Namespace);
        var configMap = resource.PulsarConfigMap is { } name && configMaps.Synced ? configMaps.Cache.Get(function.Namespace, name) : null;
        var settled = resource.PulsarConfigMap is null || configMaps.Synced;
        FunctionFacts facts;
        if (known is { Settled: true } && settled && ReferenceEquals(known.Resource, resource) && ReferenceEquals(known.ConfigMap, configMap))
        {
            facts = known.Facts;
        }
        else
        {
            var (adminUrl, adminProblem) = AdminUrlOf(resource);
            var (topics, topicsProblem) = TopicsOf(resource);
            var pending = adminUrl is null && resource.PulsarConfigMap is not null && !configMaps.Synced && configMaps.Error?.StartsWith("forbidden", StringComparison.Ordinal) != true;
            facts = new FunctionFacts(function, resource.Fqfn, topics, resource.Subscription, adminUrl, adminProblem, topicsProblem, pending);
        }

        if (_facts.Count >= MaxRemembered)
        {
            _facts.Clear();
        }

        _facts[function] = new Remembered(resource, configMap, facts, componentsVersion, configMapsVersion, settled);
        return facts;
    }

    public IReadOnlyList<RunnerPod> Pods(FunctionRef function)
    {
        ArgumentNullException.ThrowIfNull(function);
        CheckWatched(function.Namespace);
        EnsureSynced(_caches.Pods, function.Namespace);
        var pods = _caches.Pods.Single(function.Namespace).Cache.ByIndex(FunctionMeshCaches.PodIndex(function.Namespace, function.Kind, function.Name));
        return [.. pods.Where(p => !p.Terminating).OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new RunnerPod(p.Name, p.Ip, p.MetricsPort))];
    }

    public IReadOnlyList<FunctionRef> Select(string @namespace, LabelSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        CheckWatched(@namespace);
        var selected = new List<FunctionRef>();

        // An HPA's selector names its resource: look it up instead of matching every resource in the namespace.
        var named = selector.RequiredValue("compute.functionmesh.io/name") ?? selector.RequiredValue("name");
        foreach (var kind in Enum.GetValues<ComponentKind>())
        {
            var informers = _caches.Components(kind);
            EnsureSynced(informers, @namespace);
            var cache = informers.Single(@namespace).Cache;
            IEnumerable<FunctionMeshResource> candidates = named is not null
                ? cache.Get(@namespace, named) is { } one ? [one] : []
                : cache.All.Where(r => r.Ref.Namespace == @namespace);
            selected.AddRange(candidates.Where(r => selector.Matches(FunctionMeshLabels.Of(kind, @namespace, r.Ref.Name))).Select(r => r.Ref));
        }

        return [.. selected.OrderBy(f => f.Kind).ThenBy(f => f.Name, StringComparer.Ordinal)];
    }

    public IReadOnlyList<FunctionRef> MeshMembers(string @namespace, string name)
    {
        CheckWatched(@namespace);
        EnsureSynced(_caches.Meshes, @namespace);
        var mesh = _caches.Meshes.Single(@namespace).Cache.Get(@namespace, name)
            ?? throw new ScalingException(ScalingErrorKind.NotFound, $"FunctionMesh {@namespace}/{name} not found");
        return mesh.Children;
    }

    private FunctionMeshResource Find(FunctionRef function)
    {
        CheckWatched(function.Namespace);
        var informers = _caches.Components(function.Kind);
        EnsureSynced(informers, function.Namespace);
        var resource = informers.Single(function.Namespace).Cache.Get(function.Namespace, function.Name);
        if (resource is not null)
        {
            return resource;
        }

        throw new ScalingException(ScalingErrorKind.NotFound, $"{function} not found{Hint(function)}");
    }

    /// <summary>The likely mistakes: another kind of that name, or a FunctionMesh child named without its mesh prefix.</summary>
    private string Hint(FunctionRef function)
    {
        foreach (var kind in Enum.GetValues<ComponentKind>())
        {
            if (kind != function.Kind && _caches.Components(kind).Single(function.Namespace).Cache.Get(function.Namespace, function.Name) is not null)
            {
                return $" (a {kind} of that name exists: set functionKind: {kind})";
            }
        }

        foreach (var mesh in _caches.Meshes.Single(function.Namespace).Cache.All.Where(m => m.Namespace == function.Namespace))
        {
            var child = mesh.Children.FirstOrDefault(c => c.Kind == function.Kind && c.Name == $"{mesh.Name}-{function.Name}");
            if (child is not null)
            {
                return $" (FunctionMesh {mesh.Name} names its {function.Kind} {child.Name}: set function: {child.Name})";
            }
        }

        return string.Empty;
    }

    private (Uri? Url, string? Problem) AdminUrlOf(FunctionMeshResource resource)
    {
        if (resource.PulsarConfigMap is not { } name)
        {
            return (null, "spec.pulsar.pulsarConfig is not set, so no webServiceURL is known");
        }

        var ns = resource.Ref.Namespace;
        var configMaps = _caches.ConfigMaps.Single(ns);
        if (!configMaps.Synced)
        {
            return (null, $"ConfigMap {ns}/{name} cannot be read yet ({configMaps.Error ?? "the ConfigMap cache is not synced"})");
        }

        var map = configMaps.Cache.Get(ns, name);
        if (map is null)
        {
            return (null, $"ConfigMap {ns}/{name} named by spec.pulsar.pulsarConfig does not exist");
        }

        if (string.IsNullOrWhiteSpace(map.WebServiceUrl))
        {
            return (null, $"ConfigMap {ns}/{name} has no webServiceURL");
        }

        if (!Uri.TryCreate(map.WebServiceUrl.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return (null, $"ConfigMap {ns}/{name} has webServiceURL \"{map.WebServiceUrl}\", not an http or https URL");
        }

        return (url, null);
    }

    private static (TopicSelector? Topics, string? Problem) TopicsOf(FunctionMeshResource resource)
    {
        if (resource.Ref.Kind == ComponentKind.Source)
        {
            return (null, "has no input topics (a Source reads none)");
        }

        return (resource.InputTopics.Count, resource.InputPatterns.Count) switch
        {
            (0, 0) => (null, "has no input topics in spec.input"),
            (> 0, 0) => (new TopicList(resource.InputTopics), null),
            (0, 1) => TopicSelectors.TryPattern(resource.InputPatterns[0], out var error) is { } pattern
                ? (pattern, null)
                : (null, $"has input pattern \"{resource.InputPatterns[0]}\" that cannot be read ({error})"),
            _ => (null, $"reads {resource.InputTopics.Count} topics and {resource.InputPatterns.Count} patterns together, which one trigger cannot sum"),
        };
    }

    private void CheckWatched(string @namespace)
    {
        if (_watched.Count > 0 && !_watched.Contains(@namespace))
        {
            throw new ScalingException(
                ScalingErrorKind.InvalidArgument,
                $"namespace {@namespace} is not watched: MeshScaler:Kubernetes:Namespaces lists {string.Join(", ", _watched.Order(StringComparer.Ordinal))}");
        }
    }

    private static void EnsureSynced<T>(InformerSet<T> informers, string @namespace)
        where T : class
    {
        var informer = informers.Single(@namespace);
        if (informer.Synced)
        {
            return;
        }

        var error = informer.Error;
        var kind = error?.StartsWith("forbidden", StringComparison.Ordinal) == true ? ScalingErrorKind.PermissionDenied : ScalingErrorKind.Unavailable;
        throw new ScalingException(kind, error ?? $"the {informer.Resource} cache {informer.Scope} has not been listed yet");
    }

    /// <param name="Settled">The ConfigMaps were listed (an informer never un-lists), or the resource names none.</param>
    private sealed record Remembered(
        FunctionMeshResource Resource, ConfigMapInfo? ConfigMap, FunctionFacts Facts, long ComponentsVersion, long ConfigMapsVersion, bool Settled);
}
