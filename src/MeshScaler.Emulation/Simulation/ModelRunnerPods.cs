using MeshScaler.Core;

namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// The simulated functions as a Function Mesh directory and their replicas as runner pods: each ready replica is a pod
/// whose counters are the model's (processed, received, and a latency sum at the model's per-message time). The
/// what-if's MeshScaler policies read runner metrics through the store's own runner subject from here, without HTTP;
/// <c>simulate</c> serves the same counters as Prometheus text from emulated pods.
/// </summary>
public sealed class ModelRunnerPods(TimeProvider clock, Uri adminUrl) : IFunctionDirectory, IRunnerScraper
{
    public const string Namespace = "sim";

    private readonly Dictionary<string, (FunctionModel Model, string Topic, string Subscription)> _functions = new(StringComparer.Ordinal);

    public void Add(string name, FunctionModel model, string topic, string subscription) => _functions[name] = (model, topic, subscription);

    public FunctionFacts Resolve(FunctionRef function)
    {
        var (_, topic, subscription) = Find(function);
        TopicName.TryParse(topic, out var parsed, out _);
        return new FunctionFacts(function, Fqfn(function), new TopicList([parsed]), subscription, adminUrl);
    }

    public IReadOnlyList<RunnerPod> Pods(FunctionRef function)
    {
        var model = Find(function).Model;
        return [.. Enumerable.Range(0, model.ReplicaProcessed.Count).Select(i => new RunnerPod(PodName(function.Name, i), "model", 9094))];
    }

    /// <summary>The model's Functions (all in <see cref="Namespace"/>) whose operator labels the selector selects.</summary>
    public IReadOnlyList<FunctionRef> Select(string @namespace, LabelSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return @namespace != Namespace
            ? []
            : [.. _functions.Keys.Order(StringComparer.Ordinal)
                .Where(name => selector.Matches(FunctionMeshLabels.Of(ComponentKind.Function, Namespace, name)))
                .Select(name => new FunctionRef(ComponentKind.Function, Namespace, name))];
    }

    public Task<RunnerSample> ScrapeAsync(RunnerPod pod, ComponentKind kind, string fqfn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var name = pod.Name[..pod.Name.LastIndexOf("-function-", StringComparison.Ordinal)];
        var ordinal = int.Parse(pod.Name[(pod.Name.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var model = Find(new FunctionRef(kind, Namespace, name)).Model;
        var processed = model.ReplicaProcessed;
        if (ordinal >= processed.Count)
        {
            throw new ScalingException(ScalingErrorKind.Unavailable, $"runner pod {pod.Name} cannot be scraped: it is gone");
        }

        double count = processed[ordinal];
        var latencyMs = 1000 / model.Options.PerReplicaRate;
        return Task.FromResult(new RunnerSample(pod.Name, ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture), count, count, 0, 0, count * latencyMs, count, clock.GetUtcNow()));
    }

    internal static string PodName(string function, int ordinal) => $"{function}-function-{ordinal}";

    private static string Fqfn(FunctionRef function) => $"public/default/{function.Name}";

    private (FunctionModel Model, string Topic, string Subscription) Find(FunctionRef function) =>
        _functions.TryGetValue(function.Name, out var found) && function.Namespace == Namespace
            ? found
            : throw new ScalingException(ScalingErrorKind.NotFound, $"{function} not found");
}
