using System.Text.Json;
using MeshScaler.Core;

namespace MeshScaler.Kubernetes;

/// <summary>
/// Reads Function Mesh objects, Pods and ConfigMaps from their JSON, defensively: unknown fields are ignored, a field
/// of the wrong type is an error naming its path, and the webhook's defaults fill what is absent
/// (<c>tenant: public</c>, <c>namespace: default</c>, <c>name: metadata.name</c>).
/// </summary>
internal static class FunctionMeshJson
{
    /// <summary>The port Function Mesh gives the runners' metrics endpoint (<c>--metrics_port</c>).</summary>
    public const int DefaultMetricsPort = 9094;

    /// <summary>The label every Function Mesh runner pod carries, with its owner's <c>metadata.name</c>.</summary>
    public const string NameLabel = "compute.functionmesh.io/name";

    /// <summary>The label that says function, sink or source.</summary>
    public const string ComponentLabel = "compute.functionmesh.io/component";

    /// <summary>(namespace, name, resourceVersion) of any object; null when its metadata is unusable.</summary>
    public static (string Namespace, string Name, string ResourceVersion)? Identity(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var name = Text(metadata, "name");
        var ns = Text(metadata, "namespace") ?? string.Empty;
        return name is null ? null : (ns, name, Text(metadata, "resourceVersion") ?? string.Empty);
    }

    public static string? ResourceVersionOf(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            ? Text(metadata, "resourceVersion")
            : null;

    public static FunctionMeshResource? ReadComponent(JsonElement item, ComponentKind kind)
    {
        if (Identity(item) is not var (ns, name, rv))
        {
            return null;
        }

        var reference = new FunctionRef(kind, ns, name);
        var errors = new List<string>();
        var spec = item.TryGetProperty("spec", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        if (spec.ValueKind != JsonValueKind.Object)
        {
            errors.Add("spec is missing or not an object");
        }

        string Field(string field, string fallback)
        {
            var value = OptionalText(spec, field, "spec." + field, errors);
            return string.IsNullOrWhiteSpace(value) ? fallback : value;
        }

        var tenant = Field("tenant", "public");
        var pulsarNamespace = Field("namespace", "default");
        var pulsarName = Field("name", name);
        var subscription = OptionalText(spec, "subscriptionName", "spec.subscriptionName", errors);
        var replicas = OptionalInt(spec, "replicas", "spec.replicas", errors);
        string? configMap = null;
        if (spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("pulsar", out var pulsar) && pulsar.ValueKind != JsonValueKind.Null)
        {
            configMap = pulsar.ValueKind == JsonValueKind.Object
                ? OptionalText(pulsar, "pulsarConfig", "spec.pulsar.pulsarConfig", errors)
                : Wrong("spec.pulsar", "an object", errors, pulsar);
        }

        var topics = new List<TopicName>();
        var patterns = new List<string>();
        if (kind != ComponentKind.Source)
        {
            ReadInputs(spec, tenant, pulsarNamespace, topics, patterns, errors);
        }

        var error = errors.Count == 0 ? null : $"{reference}: " + string.Join("; ", errors);
        return new FunctionMeshResource(reference, rv, tenant, pulsarNamespace, pulsarName, topics, patterns, string.IsNullOrWhiteSpace(subscription) ? null : subscription, configMap, replicas, error);
    }

    /// <summary>
    /// Every input the operator reads (<c>generateInputSpec</c>): <c>input.topics</c>, <c>input.topicPattern</c>, and the keys
    /// of <c>customSerdeSources</c>, <c>customSchemaSources</c> and <c>sourceSpecs</c> (a key there is a pattern when its
    /// <c>isRegexPattern</c> is true).
    /// </summary>
    private static void ReadInputs(JsonElement spec, string tenant, string ns, List<TopicName> topics, List<string> patterns, List<string> errors)
    {
        if (spec.ValueKind != JsonValueKind.Object || !spec.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (input.ValueKind != JsonValueKind.Object)
        {
            Wrong("spec.input", "an object", errors, input);
            return;
        }

        if (input.TryGetProperty("topics", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                Wrong("spec.input.topics", "a list of topics", errors, list);
            }
            else
            {
                var i = 0;
                foreach (var topic in list.EnumerateArray())
                {
                    AddTopic(topic.ValueKind == JsonValueKind.String ? topic.GetString() : null, $"spec.input.topics[{i++}]", topics, errors);
                }
            }
        }

        if (OptionalText(input, "topicPattern", "spec.input.topicPattern", errors) is { Length: > 0 } pattern)
        {
            patterns.Add(pattern);
        }

        foreach (var map in (ReadOnlySpan<string>)["customSerdeSources", "customSchemaSources", "sourceSpecs"])
        {
            if (!input.TryGetProperty(map, out var entries) || entries.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (entries.ValueKind != JsonValueKind.Object)
            {
                Wrong($"spec.input.{map}", "a map of topic to settings", errors, entries);
                continue;
            }

            foreach (var entry in entries.EnumerateObject())
            {
                var regex = map == "sourceSpecs" && entry.Value.ValueKind == JsonValueKind.Object
                    && entry.Value.TryGetProperty("isRegexPattern", out var flag) && flag.ValueKind == JsonValueKind.True;
                if (regex)
                {
                    patterns.Add(entry.Name);
                }
                else
                {
                    AddTopic(entry.Name, $"spec.input.{map} key", topics, errors);
                }
            }
        }
    }

    /// <summary>Topics are written as the user wrote them: <c>persistent://t/ns/x</c>, <c>t/ns/x</c> or <c>x</c> (Pulsar's default tenant and namespace).</summary>
    private static void AddTopic(string? text, string path, List<TopicName> topics, List<string> errors)
    {
        var raw = text?.Trim() ?? string.Empty;
        var qualified = raw.Length > 0 && !raw.Contains('/', StringComparison.Ordinal) ? $"public/default/{raw}" : raw;
        if (!TopicName.TryParse(qualified, out var topic, out var error))
        {
            errors.Add($"{path} {error}, got \"{raw}\"");
        }
        else if (!topics.Contains(topic))
        {
            topics.Add(topic);
        }
    }

    public static FunctionMeshSet? ReadMesh(JsonElement item)
    {
        if (Identity(item) is not var (ns, name, rv))
        {
            return null;
        }

        var children = new List<FunctionRef>();
        if (item.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object)
        {
            foreach (var (field, kind) in new[] { ("functions", ComponentKind.Function), ("sinks", ComponentKind.Sink), ("sources", ComponentKind.Source) })
            {
                if (spec.TryGetProperty(field, out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var child in list.EnumerateArray())
                    {
                        if (child.ValueKind == JsonValueKind.Object && Text(child, "name") is { } childName)
                        {
                            children.Add(new FunctionRef(kind, ns, $"{name}-{childName}"));
                        }
                    }
                }
            }
        }

        return new FunctionMeshSet(ns, name, rv, children);
    }

    public static RunnerPodInfo? ReadPod(k8s.Models.V1Pod pod)
    {
        var metadata = pod.Metadata;
        if (metadata?.Name is not { } name || metadata.Labels is not { } labels
            || !labels.TryGetValue(ComponentLabel, out var component) || !labels.TryGetValue(NameLabel, out var owner))
        {
            return null;
        }

        ComponentKind? kind = component switch
        {
            "function" => ComponentKind.Function,
            "sink" => ComponentKind.Sink,
            "source" => ComponentKind.Source,
            _ => null,
        };
        if (kind is null)
        {
            return null;
        }

        // Function Mesh annotates prometheus.io/port 9094; pod.annotations may override it.
        var port = DefaultMetricsPort;
        if (metadata.Annotations?.TryGetValue("prometheus.io/port", out var annotated) == true && int.TryParse(annotated, out var p) && p is > 0 and < 65536)
        {
            port = p;
        }

        var ready = pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
        var ip = pod.Status?.PodIP;
        return new RunnerPodInfo(metadata.NamespaceProperty ?? string.Empty, name, metadata.ResourceVersion ?? string.Empty, kind.Value, owner,
            string.IsNullOrWhiteSpace(ip) ? null : ip, port, ready, metadata.DeletionTimestamp is not null);
    }

    public static ConfigMapInfo? ReadConfigMap(k8s.Models.V1ConfigMap map)
    {
        var metadata = map.Metadata;
        if (metadata?.Name is not { } name)
        {
            return null;
        }

        string? url = null;
        map.Data?.TryGetValue("webServiceURL", out url);
        return new ConfigMapInfo(metadata.NamespaceProperty ?? string.Empty, name, metadata.ResourceVersion ?? string.Empty, url);
    }

    private static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? OptionalText(JsonElement parent, string name, string path, List<string> errors)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : Wrong(path, "a string", errors, value);
    }

    private static int? OptionalInt(JsonElement parent, string name, string path, List<string> errors)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 0)
        {
            return number;
        }

        Wrong(path, "a non-negative integer", errors, value);
        return null;
    }

    private static string? Wrong(string path, string expected, List<string> errors, JsonElement? value = null)
    {
        var raw = value?.GetRawText() ?? string.Empty;
        errors.Add($"{path} must be {expected}{(value is null ? string.Empty : $", got {(raw.Length > 60 ? raw[..60] + "…" : raw)}")}");
        return null;
    }
}
