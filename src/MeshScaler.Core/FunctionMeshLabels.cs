namespace MeshScaler.Core;

/// <summary>
/// The labels the Function Mesh operator puts on a resource's StatefulSet, its runner pods and its Service selector
/// (<c>makeFunctionLabels</c>), and so the labels of its <c>status.selector</c>, the selector an HPA on it sends.
/// Runner pods may carry more (the operator's resource labels, the user's <c>pod.labels</c>); these are the ones every
/// runner pod has.
/// </summary>
public static class FunctionMeshLabels
{
    public static IReadOnlyDictionary<string, string> Of(ComponentKind kind, string @namespace, string name)
    {
        var component = kind.ToString().ToLowerInvariant();
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["app.kubernetes.io/name"] = $"{name}-{component}",
            ["app.kubernetes.io/instance"] = $"{name}-{component}",
            ["compute.functionmesh.io/component"] = component,
            ["compute.functionmesh.io/name"] = name,
            ["compute.functionmesh.io/namespace"] = @namespace,
            ["component"] = component,
            ["name"] = name,
            ["namespace"] = @namespace,
        };

        // Sinks and sources have no app labels.
        if (kind == ComponentKind.Function)
        {
            labels["app"] = "function-mesh";
            labels["compute.functionmesh.io/app"] = "function-mesh";
        }

        return labels;
    }

    /// <summary>The resource's <c>status.selector</c>: its labels, sorted by key, as the operator writes it.</summary>
    public static string Selector(ComponentKind kind, string @namespace, string name) =>
        string.Join(",", Of(kind, @namespace, name).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}
