using System.Text.Json.Nodes;
using MeshScaler.Core;

namespace MeshScaler.Emulation.Kubernetes;

/// <summary>
/// Function Mesh objects as the operator and its webhook leave them: a Function's spec and status, its runner pods
/// with the operator's labels and Prometheus annotations, and the ConfigMap its <c>spec.pulsar.pulsarConfig</c> names.
/// </summary>
public static class FunctionMeshObjects
{
    /// <summary>A Function (or Sink, with <paramref name="kind"/>) reading <paramref name="topics"/>; defaults as the webhook sets them.</summary>
    public static JsonObject Function(
        string @namespace,
        string name,
        IEnumerable<string> topics,
        string pulsarConfig = "pulsar-config",
        string? subscriptionName = null,
        int replicas = 1,
        string kind = "Function",
        string? topicPattern = null,
        string tenant = "public",
        string pulsarNamespace = "default")
    {
        var input = new JsonObject { ["topics"] = new JsonArray([.. topics.Select(t => (JsonNode)t)]), ["typeClassName"] = "[B" };
        if (topicPattern is not null)
        {
            input["topicPattern"] = topicPattern;
        }

        var spec = new JsonObject
        {
            ["name"] = name,
            ["className"] = "org.example.OrderEnricher",
            ["tenant"] = tenant,
            ["namespace"] = pulsarNamespace,
            ["clusterName"] = "kubernetes",
            ["replicas"] = replicas,
            ["minReplicas"] = 1,
            ["input"] = input,
            ["output"] = new JsonObject { ["topic"] = $"persistent://{tenant}/{pulsarNamespace}/{name}-out", ["typeClassName"] = "[B" },
            ["processingGuarantee"] = "atleast_once",
            ["autoAck"] = true,
            ["maxPendingAsyncRequests"] = 1000,
            ["pulsar"] = new JsonObject { ["pulsarConfig"] = pulsarConfig },
            ["java"] = new JsonObject { ["jar"] = "/pulsar/examples/api-examples.jar" },
        };
        if (subscriptionName is not null)
        {
            spec["subscriptionName"] = subscriptionName;
        }

        if (kind == "Source")
        {
            spec.Remove("input");
        }

        var component = kind.ToLowerInvariant();
        return new JsonObject
        {
            ["apiVersion"] = $"{FakeKubernetesApiServer.FunctionMeshGroup}/v1alpha1",
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace, ["generation"] = 1, ["uid"] = Guid.NewGuid().ToString() },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["conditions"] = new JsonObject { ["StatefulSet"] = new JsonObject { ["condition"] = "StatefulSetReady", ["status"] = "True", ["action"] = "NoAction" } },
                ["replicas"] = replicas,
                ["selector"] = FunctionMeshLabels.Selector(Enum.Parse<ComponentKind>(kind), @namespace, name),
                ["observedGeneration"] = 1,
            },
        };
    }

    /// <summary>A FunctionMesh declaring functions by <c>spec.name</c>; the operator names its children <c>&lt;mesh&gt;-&lt;name&gt;</c>.</summary>
    public static JsonObject Mesh(string @namespace, string name, params string[] functions) => new()
    {
        ["apiVersion"] = $"{FakeKubernetesApiServer.FunctionMeshGroup}/v1alpha1",
        ["kind"] = "FunctionMesh",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace },
        ["spec"] = new JsonObject { ["functions"] = new JsonArray([.. functions.Select(f => (JsonNode)new JsonObject { ["name"] = f })]) },
    };

    /// <summary>The ConfigMap a Function's pods load with <c>envFrom</c>.</summary>
    public static JsonObject ConfigMap(string @namespace, string name, string? webServiceUrl) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace },
        ["data"] = webServiceUrl is null
            ? new JsonObject { ["brokerServiceURL"] = "pulsar://pulsar-broker:6650" }
            : new JsonObject { ["webServiceURL"] = webServiceUrl, ["brokerServiceURL"] = "pulsar://pulsar-broker:6650" },
    };

    /// <summary>
    /// Runner pod <c>&lt;name&gt;-&lt;component&gt;-&lt;ordinal&gt;</c> of a StatefulSet, with the operator's labels and
    /// <c>prometheus.io</c> annotations; <paramref name="metricsPort"/> overrides 9094 as <c>pod.annotations</c> may.
    /// </summary>
    public static JsonObject RunnerPod(string @namespace, string name, int ordinal, string? ip, int metricsPort = 9094, string kind = "Function", bool ready = true)
    {
        var component = kind.ToLowerInvariant();
        var labels = new JsonObject();
        foreach (var (key, value) in FunctionMeshLabels.Of(Enum.Parse<ComponentKind>(kind), @namespace, name))
        {
            labels[key] = value;
        }

        var status = new JsonObject
        {
            ["phase"] = ip is null ? "Pending" : "Running",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready && ip is not null ? "True" : "False" }),
        };
        if (ip is not null)
        {
            status["podIP"] = ip;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{name}-{component}-{ordinal}",
                ["namespace"] = @namespace,
                ["labels"] = labels,
                ["annotations"] = new JsonObject { ["prometheus.io/scrape"] = "true", ["prometheus.io/port"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = $"pulsar-{component}",
                    ["ports"] = new JsonArray(
                        new JsonObject { ["name"] = "tcp-grpc", ["containerPort"] = 9093 },
                        new JsonObject { ["name"] = "http-metrics", ["containerPort"] = 9094 }),
                }),
            },
            ["status"] = status,
        };
    }
}
