namespace MeshScaler.Emulation.Kubernetes;

/// <summary>
/// A Function Mesh cluster for the demos: the fake API server holding one Function, its ConfigMap (whose
/// <c>webServiceURL</c> is the Pulsar emulator) and a runner pod per ready replica, each pod served by an emulated
/// runner. Replicas come and go as the demo scales, so MeshScaler's watches and scrapes see a StatefulSet at work.
/// </summary>
public sealed class DemoCluster : IAsyncDisposable
{
    private readonly int _maxReplicas;
    private readonly long[] _reported;
    private int _ready;

    private DemoCluster(FakeKubernetesApiServer server, EmulatedRunnerPods pods, string @namespace, string function, int maxReplicas)
    {
        Server = server;
        Pods = pods;
        Namespace = @namespace;
        Function = function;
        _maxReplicas = maxReplicas;
        _reported = new long[maxReplicas];
    }

    /// <summary>The bearer token the demo cluster's TokenReview knows as the HPA's service account.</summary>
    public const string HpaToken = "demo-hpa-token";

    public FakeKubernetesApiServer Server { get; }

    public EmulatedRunnerPods Pods { get; }

    public string Namespace { get; }

    public string Function { get; }

    /// <summary>Starts the API server with the Function, and <paramref name="maxReplicas"/> runners (pods appear with <see cref="SetReplicas"/>).</summary>
    public static async Task<DemoCluster> StartAsync(string @namespace, string function, string topic, Uri webServiceUrl, int maxReplicas, CancellationToken cancellationToken = default)
    {
        var server = await FakeKubernetesApiServer.StartAsync(cancellationToken);
        var pods = await EmulatedRunnerPods.StartAsync(maxReplicas, $"public/default/{function}", RunnerFlavor.Java, cancellationToken);
        server.Apply("configmaps", FunctionMeshObjects.ConfigMap(@namespace, "pulsar-config", webServiceUrl.ToString().TrimEnd('/')));
        server.Apply("functions", FunctionMeshObjects.Function(@namespace, function, [topic]));

        // The HPA's identity and RBAC as deploy/metrics-api grants them, so the demo's metrics API can be read over
        // HTTPS with a bearer token, as the HPA reads it through the aggregator.
        server.Reviews.AddToken(HpaToken, "system:serviceaccount:kube-system:horizontal-pod-autoscaler", "system:serviceaccounts", "system:serviceaccounts:kube-system");
        server.Reviews.Allow("system:serviceaccount:kube-system:horizontal-pod-autoscaler", "get", "custom.metrics.k8s.io", "*");
        server.Reviews.Allow("system:serviceaccount:kube-system:horizontal-pod-autoscaler", "list", "external.metrics.k8s.io", "*");
        return new DemoCluster(server, pods, @namespace, function, maxReplicas);
    }

    /// <summary>Creates or deletes runner pods (highest ordinals first, as a StatefulSet does) so <paramref name="ready"/> run.</summary>
    public void SetReplicas(int ready)
    {
        ready = Math.Clamp(ready, 0, _maxReplicas);
        for (var i = _ready; i < ready; i++)
        {
            Server.Apply("pods", FunctionMeshObjects.RunnerPod(Namespace, Function, i, "127.0.0.1", Pods.Ports[i]));
        }

        for (var i = _ready - 1; i >= ready; i--)
        {
            Server.Delete("pods", Namespace, $"{Function}-function-{i}");

            // A pod that comes back is a new runner: its counters start from zero.
            Pods.Restart(i);
        }

        _ready = ready;
    }

    /// <summary>
    /// Mirrors a simulated function: one pod per ready replica, each runner's processed counter its replica's (a replica
    /// that is removed and comes back starts again from zero, as a new runner does).
    /// </summary>
    public void Mirror(IReadOnlyList<long> processedPerReplica, double latencyMs)
    {
        ArgumentNullException.ThrowIfNull(processedPerReplica);
        var ready = Math.Min(processedPerReplica.Count, _maxReplicas);
        for (var i = ready; i < _ready; i++)
        {
            _reported[i] = 0;
        }

        SetReplicas(ready);
        for (var i = 0; i < ready; i++)
        {
            var delta = processedPerReplica[i] - _reported[i];
            if (delta > 0)
            {
                Pods.Process(i, delta, latencyMs);
                _reported[i] = processedPerReplica[i];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Pods.DisposeAsync();
        await Server.DisposeAsync();
    }
}
