using System.Text.Json;
using MeshScaler.Core;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using YamlDotNet.RepresentationModel;

namespace MeshScaler.FunctionalTests;

/// <summary>The deploy/ examples are real: their trigger metadata parses and their configuration validates.</summary>
public sealed class DeployExamplesTests
{
    private static readonly string Root = Repository.Root;

    private static IEnumerable<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = File.OpenText(file);
        stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode);
    }

    private static string Scalar(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        }

        return ((YamlScalarNode)node).Value!;
    }

    public static TheoryData<string> ScaledObjects() =>
        [.. Directory.GetFiles(Path.Combine(Root, "deploy", "examples"), "scaledobject-*.yaml").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(ScaledObjects))]
    public void ScaledObjectExample_TargetsAFunctionAndItsMetadataParses(string file)
    {
        var document = Documents(Path.Combine(Root, "deploy", "examples", file)).Single();

        Assert.Equal("compute.functionmesh.io/v1alpha1", Scalar(document, "spec", "scaleTargetRef", "apiVersion"));
        Assert.Equal("Function", Scalar(document, "spec", "scaleTargetRef", "kind"));
        var triggers = (YamlSequenceNode)((YamlMappingNode)document.Children[new YamlScalarNode("spec")]).Children[new YamlScalarNode("triggers")];
        foreach (YamlMappingNode trigger in triggers)
        {
            Assert.Contains(Scalar(trigger, "type"), new[] { "external", "external-push" });
            var metadata = ((YamlMappingNode)trigger.Children[new YamlScalarNode("metadata")]).Children
                .ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!);
            var result = TriggerMetadata.Parse(metadata);

            Assert.True(result.Succeeded, result.Succeeded ? string.Empty : result.ErrorMessage);
            Assert.Empty(result.UnknownKeys);
        }
    }

    [Fact]
    public void ConfigMapExample_PassesStartupValidation_AndServesTheExamplesAdminUrl()
    {
        var configMap = Documents(Path.Combine(Root, "deploy", "base", "configmap.yaml")).Single();
        var json = Scalar(configMap, "data", "appsettings.json");
        var token = Path.GetTempFileName();
        var path = Path.Combine(Path.GetTempPath(), $"meshscaler-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(token, "example-token");
            var settings = JsonDocument.Parse(json);
            File.WriteAllText(path, json.Replace("/var/run/secrets/pulsar/token", token.Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal));

            // Build runs start-up validation of every options type and throws on any failure.
            using var app = MeshScalerApp.Build([], builder => builder.Configuration.AddJsonFile(path));
            var cluster = app.Services.GetRequiredService<IPulsarClusterResolver>()
                .Resolve(new Uri("http://pulsar-broker.pulsar.svc.cluster.local:8080"), null);

            Assert.Equal(JsonValueKind.Object, settings.RootElement.GetProperty("MeshScaler").ValueKind);
            Assert.Equal("prod", cluster.Name);
            Assert.Equal("prod", app.Services.GetRequiredService<IPulsarClusterResolver>().Resolve(null, "prod").Name);
        }
        finally
        {
            File.Delete(token);
            File.Delete(path);
        }
    }

    [Fact]
    public void DockerfileAndDeployment_RunAsTheSameNumericNonRootUser()
    {
        var user = File.ReadAllLines(Path.Combine(Root, "Dockerfile")).Single(l => l.StartsWith("USER ", StringComparison.Ordinal))[5..].Trim();
        var pod = Documents(Path.Combine(Root, "deploy", "base", "deployment.yaml")).Single();

        Assert.Matches("^[1-9][0-9]*:[1-9][0-9]*$", user);
        Assert.Equal("true", Scalar(pod, "spec", "template", "spec", "securityContext", "runAsNonRoot"));
        Assert.Equal(user.Split(':')[0], Scalar(pod, "spec", "template", "spec", "securityContext", "runAsUser"));
        Assert.Equal(user.Split(':')[1], Scalar(pod, "spec", "template", "spec", "securityContext", "runAsGroup"));
    }

    [Fact]
    public void Deployment_MountsTheConfigMapAsADirectory_AndPointsTheSettingsFileIntoIt()
    {
        var pod = (YamlMappingNode)Documents(Path.Combine(Root, "deploy", "base", "deployment.yaml")).Single()
            .Children[new YamlScalarNode("spec")]["template"]["spec"];
        var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Single();
        var mount = ((YamlSequenceNode)container["volumeMounts"]).Cast<YamlMappingNode>().Single(m => Scalar(m, "name") == "config");
        var env = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().ToDictionary(e => Scalar(e, "name"), e => Scalar(e, "value"));
        var configMap = Documents(Path.Combine(Root, "deploy", "base", "configmap.yaml")).Single();
        var key = ((YamlMappingNode)configMap["data"]).Children.Keys.Cast<YamlScalarNode>().Single().Value!;

        Assert.False(mount.Children.ContainsKey(new YamlScalarNode("subPath")), "a subPath mount never sees ConfigMap updates");
        Assert.Equal($"{Scalar(mount, "mountPath")}/{key}", env["MeshScaler__ConfigFile"]);
    }

    [Fact]
    public void DiscoveredExample_NamesOnlyTheFunction_AndResolvesAgainstItsResource()
    {
        var document = Documents(Path.Combine(Root, "deploy", "examples", "scaledobject-function-discovered.yaml")).Single();
        var trigger = (YamlMappingNode)((YamlSequenceNode)document["spec"]["triggers"]).Single();
        var metadata = ((YamlMappingNode)trigger["metadata"]).Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!);

        var function = TriggerMetadata.Parse(metadata).Function!;
        var target = function.Resolve(new FunctionFacts(
            function.In(Scalar(document, "metadata", "namespace")), "public/default/order-enricher",
            new TopicList([new TopicName("public", "default", "orders-in")]), "public/default/order-enricher", new Uri("http://pulsar-broker.pulsar.svc.cluster.local:8080")));

        Assert.Equal(Scalar(document, "spec", "scaleTargetRef", "name"), function.Name);
        Assert.DoesNotContain(metadata.Keys, k => k is "adminURL" or "pulsarCluster" or "topic" or "topics" or "topicPattern" or "subscription");
        Assert.True(target.UsesRunnerMetrics);
    }

    [Fact]
    public void Rbac_GrantsGetListWatchOnEveryKindTheCachesWatch()
    {
        var documents = Documents(Path.Combine(Root, "deploy", "base", "rbac.yaml")).ToList();
        var role = documents.Single(d => Scalar(d, "kind") == "ClusterRole");
        var binding = documents.Single(d => Scalar(d, "kind") == "ClusterRoleBinding");
        var granted = ((YamlSequenceNode)role["rules"]).Cast<YamlMappingNode>()
            .SelectMany(rule => ((YamlSequenceNode)rule["apiGroups"]).Cast<YamlScalarNode>().SelectMany(group =>
                ((YamlSequenceNode)rule["resources"]).Cast<YamlScalarNode>().Select(resource =>
                    (Group: group.Value!, Resource: resource.Value!, Verbs: ((YamlSequenceNode)rule["verbs"]).Cast<YamlScalarNode>().Select(v => v.Value!).Order().ToList()))))
            .ToList();

        foreach (var (group, resource) in new[] { ("compute.functionmesh.io", "functions"), ("compute.functionmesh.io", "sinks"), ("compute.functionmesh.io", "sources"), ("compute.functionmesh.io", "functionmeshes"), (string.Empty, "configmaps"), (string.Empty, "pods") })
        {
            var rule = granted.SingleOrDefault(g => g.Group == group && g.Resource == resource);
            Assert.True(rule.Verbs is not null, $"no rule for {resource} in group \"{group}\"");
            Assert.Equal(["get", "list", "watch"], rule.Verbs);
        }

        Assert.Equal(6, granted.Count);
        Assert.Equal("meshscaler", Scalar(((YamlSequenceNode)binding["subjects"]).Cast<YamlMappingNode>().Single(), "name"));
        Assert.Equal("true", Scalar(Documents(Path.Combine(Root, "deploy", "base", "serviceaccount.yaml")).Single(), "automountServiceAccountToken"));
        Assert.Contains("  - rbac.yaml", File.ReadAllText(Path.Combine(Root, "deploy", "base", "kustomization.yaml")), StringComparison.Ordinal);
    }
}
