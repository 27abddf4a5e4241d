using MeshScaler.Core;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Hosting;
using MeshScaler.MetricsApi;
using MeshScaler.Testing;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace MeshScaler.FunctionalTests;

/// <summary>
/// deploy/metrics-api and deploy/metrics-api-external as kustomize builds them (kubectl's own kustomize): APIServices
/// valid as kube-aggregator validates them and pointing at a Service port that reaches the API's listener, the RBAC an
/// aggregated API server needs, settings that pass start-up validation; and the HPA examples name served metrics.
/// </summary>
public sealed class DeployMetricsApiTests
{
    private static readonly string Root = Repository.Root;

    [Theory]
    [InlineData("metrics-api", new[] { "v1beta2.custom.metrics.k8s.io" })]
    [InlineData("metrics-api-external", new[] { "v1beta2.custom.metrics.k8s.io", "v1beta1.external.metrics.k8s.io" })]
    public async Task Overlay_EachApiServiceIsValid_AndReachesTheApisListener(string overlay, string[] apiServices)
    {
        var objects = await BuildAsync(overlay);

        var registered = objects.Where(o => Text(o, "kind") == "APIService").ToList();
        Assert.Equal(apiServices.Order(), registered.Select(a => Text(a, "metadata", "name")).Order());
        var deployment = objects.Single(o => Text(o, "kind") == "Deployment");
        var container = Sequence(deployment, "spec", "template", "spec", "containers").Cast<YamlMappingNode>().Single(c => Text(c, "name") == "meshscaler");
        var env = Sequence(container, "env").Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name")!, e => Text(e, "value"));
        var podLabels = Map(deployment, "spec", "template", "metadata", "labels");
        foreach (var apiService in registered)
        {
            var (group, version) = (Text(apiService, "spec", "group")!, Text(apiService, "spec", "version")!);

            // kube-aggregator: the name is version.group; a caBundle and insecureSkipTLSVerify exclude each other.
            Assert.Equal($"{version}.{group}", Text(apiService, "metadata", "name"));
            Assert.True(Text(apiService, "spec", "caBundle") is null || Text(apiService, "spec", "insecureSkipTLSVerify") != "true");
            Assert.InRange(int.Parse(Text(apiService, "spec", "groupPriorityMinimum")!), 1, 20000);
            Assert.InRange(int.Parse(Text(apiService, "spec", "versionPriority")!), 1, 1000);
            Assert.True(
                (group == MetricsApiEndpoint.CustomGroup && MetricsApiEndpoint.Versions.Contains(version)) || (group == ExternalMetric.Group && version == ExternalMetric.Version),
                $"{group}/{version} is not served");

            // service -> Service port -> named container port == the API's configured port; the Service selects the pods.
            var service = objects.Single(o => Text(o, "kind") == "Service" && Text(o, "metadata", "name") == Text(apiService, "spec", "service", "name")
                && Text(o, "metadata", "namespace") == Text(apiService, "spec", "service", "namespace"));
            Assert.NotEqual("None", Text(service, "spec", "clusterIP"));
            var port = Sequence(service, "spec", "ports").Cast<YamlMappingNode>().Single(p => Text(p, "port") == (Text(apiService, "spec", "service", "port") ?? "443"));
            var containerPort = Sequence(container, "ports").Cast<YamlMappingNode>().Single(p => Text(p, "name") == Text(port, "targetPort"));
            Assert.Equal(env["MeshScaler__MetricsApi__Port"], Text(containerPort, "containerPort"));
            Assert.All(Map(service, "spec", "selector"), s => Assert.Equal(((YamlScalarNode)s.Value).Value, Text(podLabels, ((YamlScalarNode)s.Key).Value!)));
        }

        // The self-signed certificate names the Service as the aggregator dials it, and the settings pass validation.
        registered = [.. registered.OrderBy(a => Text(a, "metadata", "name"), StringComparer.Ordinal)];
        Assert.Equal($"{Text(registered[0], "spec", "service", "name")}.{Text(registered[0], "spec", "service", "namespace")}.svc", env["MeshScaler__MetricsApi__SelfSignedNames__0"]);
        // (The settings file is deploy/base's ConfigMap, checked by DeployExamplesTests.)
        var settings = env.Where(e => e.Key.StartsWith("MeshScaler__", StringComparison.Ordinal) && e.Key != "MeshScaler__ConfigFile")
            .Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value))
            .Append(KeyValuePair.Create("MeshScaler:Kubernetes:Server", (string?)"http://127.0.0.1:1"));
        using var app = MeshScalerApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));
        Assert.NotNull(app);
    }

    [Fact]
    public async Task Rbac_DelegatesAuthentication_ReadsTheTrust_AndLetsTheHpaRead()
    {
        var objects = await BuildAsync("metrics-api");
        bool Binds(YamlMappingNode binding, string role, string account, string @namespace) =>
            Text(binding, "roleRef", "name") == role
            && Sequence(binding, "subjects").Cast<YamlMappingNode>().Any(s => Text(s, "kind") == "ServiceAccount" && Text(s, "name") == account && Text(s, "namespace") == @namespace);

        var clusterBindings = objects.Where(o => Text(o, "kind") == "ClusterRoleBinding").ToList();
        Assert.Contains(clusterBindings, b => Binds(b, "system:auth-delegator", "meshscaler", "meshscaler"));
        Assert.Contains(objects, o => Text(o, "kind") == "RoleBinding" && Text(o, "metadata", "namespace") == "kube-system"
            && Text(o, "roleRef", "kind") == "Role" && Binds(o, "extension-apiserver-authentication-reader", "meshscaler", "meshscaler"));
        var hpaBinding = clusterBindings.Single(b => Binds(b, Text(b, "roleRef", "name")!, "horizontal-pod-autoscaler", "kube-system"));
        var role = objects.Single(o => Text(o, "kind") == "ClusterRole" && Text(o, "metadata", "name") == Text(hpaBinding, "roleRef", "name"));
        var rules = Sequence(role, "rules").Cast<YamlMappingNode>().ToList();
        Assert.Contains(rules, r => Strings(r, "apiGroups").Contains("custom.metrics.k8s.io") && Strings(r, "verbs").Contains("get") && Strings(r, "resources").Contains("*"));
        Assert.Contains(rules, r => Strings(r, "apiGroups").Contains("external.metrics.k8s.io") && Strings(r, "verbs").Contains("list") && Strings(r, "resources").Contains("*"));
    }

    [Fact]
    public void FunctionExample_TheOperatorsHpa_ReadsAServedObjectMetricOnItself()
    {
        var function = Document("function-autoscaling-metrics.yaml");

        Assert.Equal("Function", Text(function, "kind"));
        Assert.NotNull(Text(function, "spec", "maxReplicas"));
        Assert.True(int.Parse(Text(function, "spec", "minReplicas")!) >= 1, "the operator's webhook refuses minReplicas below 1");
        Assert.False(Map(function, "spec", "pod").Children.ContainsKey(new YamlScalarNode("builtinAutoscaler")), "builtinAutoscaler would override autoScalingMetrics");
        var metric = (YamlMappingNode)Sequence(function, "spec", "pod", "autoScalingMetrics").Single();
        Assert.Equal("Object", Text(metric, "type"));
        Assert.Equal(Text(function, "metadata", "name"), Text(metric, "object", "describedObject", "name"));
        Assert.Equal("Function", Text(metric, "object", "describedObject", "kind"));
        Assert.Contains(Text(metric, "object", "metric", "name"), ObjectMetric.For(ComponentKind.Function).Select(m => m.Name));
        Assert.True(KubernetesQuantity.TryParse(Text(metric, "object", "target", "averageValue")!, out _, out var error), error);
    }

    [Fact]
    public void HpaExample_OnAFunction_ObjectAndPodsMetricsAreServed()
    {
        var hpa = Document("hpa-function.yaml");

        Assert.Equal("autoscaling/v2", Text(hpa, "apiVersion"));
        Assert.Equal("Function", Text(hpa, "spec", "scaleTargetRef", "kind"));
        var metrics = Sequence(hpa, "spec", "metrics").Cast<YamlMappingNode>().ToList();
        var objectMetric = metrics.Single(m => Text(m, "type") == "Object");
        var podsMetric = metrics.Single(m => Text(m, "type") == "Pods");
        Assert.Contains(Text(objectMetric, "object", "metric", "name"), ObjectMetric.For(ComponentKind.Function).Select(m => m.Name));
        Assert.Contains(Text(podsMetric, "pods", "metric", "name"), ObjectMetric.ForPods(ComponentKind.Function).Select(m => m.Name));
        Assert.All(metrics, m => Assert.True(KubernetesQuantity.TryParse(Text(m, Text(m, "type")!.ToLowerInvariant(), "target", "averageValue")!, out _, out _)));
    }

    [Fact]
    public void HpaExample_External_ItsSelectorNamesASubscription()
    {
        var hpa = Document("hpa-external.yaml");

        var metric = (YamlMappingNode)Sequence(hpa, "spec", "metrics").Single();
        Assert.Equal("External", Text(metric, "type"));
        var external = ExternalMetric.All.Single(m => m.Name == Text(metric, "external", "metric", "name"));
        var labels = Map(metric, "external", "metric", "selector", "matchLabels");
        var selectorText = string.Join(",", labels.Select(l => $"{((YamlScalarNode)l.Key).Value}={((YamlScalarNode)l.Value).Value}"));
        Assert.True(LabelSelector.TryParse(selectorText, out var selector, out var error), error);
        var (_, names) = external.Subscription(selector);
        Assert.Equal("order-billing/v2", names["subscription"]);
        Assert.Equal("orders-in", names["topic"]);
    }

    private static async Task<List<YamlMappingNode>> BuildAsync(string overlay)
    {
        var (exitCode, output, error) = await ExternalProcess.RunAsync("kubectl", ["kustomize", Path.Combine(Root, "deploy", overlay)], TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"kubectl kustomize deploy/{overlay}: {error}");
        var stream = new YamlStream();
        stream.Load(new StringReader(output));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlMappingNode Document(string example)
    {
        var stream = new YamlStream();
        using var reader = File.OpenText(Path.Combine(Root, "deploy", "examples", example));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlNode? Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private static string? Text(YamlNode node, params string[] path) => (Node(node, path) as YamlScalarNode)?.Value;

    private static YamlMappingNode Map(YamlNode node, params string[] path) => (YamlMappingNode)Node(node, path)!;

    private static YamlSequenceNode Sequence(YamlNode node, params string[] path) => (YamlSequenceNode)Node(node, path)!;

    private static string[] Strings(YamlNode node, string key) => [.. Sequence(node, key).Cast<YamlScalarNode>().Select(s => s.Value!)];
}
