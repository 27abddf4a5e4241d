using System.Buffers;
using System.Globalization;
using System.Text.Json.Nodes;
using MeshScaler.Core;
using MeshScaler.Engine;
using MeshScaler.Keda;
using MeshScaler.Ops;
using Microsoft.Extensions.Options;

namespace MeshScaler.MetricsApi;

/// <summary>
/// The custom and external metrics APIs on their own listener: discovery, Object metrics on Function Mesh resources,
/// Pods metrics on their runner pods, external metrics on subscriptions, minimal OpenAPI
/// documents and the probes, every failure a <c>metav1.Status</c> (<see cref="ApiStatus"/>). Values come from the
/// same Engine cache as KEDA's path: one upstream fetch per subject per interval, whoever asks.
/// </summary>
internal sealed class MetricsApiEndpoint(
    SignalStore store,
    TriggerTargets triggers,
    IFunctionDirectory functions,
    ReadinessHealthCheck readiness,
    ApiAuthenticator authenticator,
    ApiAuthorizer authorizer,
    UpstreamAdapter upstream,
    UpstreamDiscovery upstreamDiscovery,
    IOptions<MetricsApiOptions> options,
    TimeProvider time,
    ILogger<MetricsApiEndpoint> logger)
{
    public const string CustomGroup = "custom.metrics.k8s.io";

    /// <summary>Preferred first, as the aggregator orders them when both are registered.</summary>
    public static readonly string[] Versions = ["v1beta2", "v1beta1"];

    /// <summary>Each resource's trigger, parsed once (names are the same in every namespace, so keyed without one).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(ComponentKind Kind, string Name), FunctionTrigger> _triggers = new();

    /// <summary>
    /// Each Object-metric path read, as parsed and checked the first time (the HPA asks the same path on every sync), with
    /// the body last written for it. Only what the path alone decides is kept: the Function is resolved and the value
    /// read anew every time. Bounded as the triggers are.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ObjectRead> _objectPaths = new(StringComparer.Ordinal);

    private static readonly byte[] Ok = "ok"u8.ToArray();
    private static readonly byte[] NotReady = "not ready"u8.ToArray();

    /// <summary>Longer paths are refused before they are split: no served path comes near it.</summary>
    private const int MaxPathLength = 1024;

    public async Task HandleAsync(HttpContext context)
    {
        ApiStatus? failure;
        try
        {
            failure = await RouteAsync(context);
        }
        catch (ScalingException ex)
        {
            failure = ApiStatus.From(ex);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            // A bug must not take the listener down or leak a stack trace: the caller gets a Status, the log the detail.
            MetricsApiLog.Unexpected(logger, context.Request.Path.Value ?? string.Empty, ex);
            failure = new ApiStatus(StatusCodes.Status500InternalServerError, "InternalError", "Internal error occurred: see MeshScaler's log");
        }

        if (failure is not null)
        {
            await WriteAsync(context, failure.Code, failure.ToJson());
        }
    }

    /// <summary>Answers the request; returns the failure to write instead, if any.</summary>
    private async Task<ApiStatus?> RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var aborted = context.RequestAborted;
        if (path.Length > MaxPathLength)
        {
            return ApiStatus.NotFound($"the server could not find the requested resource (a path of {path.Length} characters)");
        }

        // The probes are always allowed, anonymous included (kubelet's); everything else is authenticated and authorized
        // first, unless the API is the loopback-only insecure one. The caller is passed on to forwarding.
        Kubernetes.ApiUser? caller = null;
        if (!options.Value.Insecure && path is not ("/healthz" or "/livez" or "/readyz"))
        {
            // One clock reading and one look-up of the connection's cache for both steps (the HPA's hot path).
            var connection = ConnectionAuthCache.Of(context);
            var now = time.GetUtcNow().UtcTicks;
            var authenticating = authenticator.AuthenticateAsync(context, connection, now);
            var reviewedToken = !authenticating.IsCompleted;
            var (user, unauthenticated) = await authenticating;
            if (reviewedToken)
            {
                // A TokenReview was waited for: authorization's expiry checks take the time after it.
                now = time.GetUtcNow().UtcTicks;
            }

            if (unauthenticated is not null)
            {
                return unauthenticated;
            }

            if (await authorizer.AuthorizeAsync(user!, path, connection, now, aborted) is { } forbidden)
            {
                return forbidden;
            }

            caller = user;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return ApiStatus.MethodNotAllowed(context.Request.Method);
        }

        // The HPA's Object-metric read of a path served before: nothing to split, parse or look up again. With a query
        // (a metricLabelSelector) it takes the long way, which checks the selector.
        if (!context.Request.QueryString.HasValue && _objectPaths.TryGetValue(path, out var known))
        {
            await WriteObjectAsync(context, known, await ReadAsync(known, aborted), aborted);
            return null;
        }

        switch (path)
        {
            case "/healthz" or "/livez":
                await WriteTextAsync(context, StatusCodes.Status200OK, Ok);
                return null;
            case "/readyz":
                await WriteTextAsync(context, readiness.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, readiness.IsReady ? Ok : NotReady);
                return null;
            case "/openapi/v2":
                await WriteAsync(context, StatusCodes.Status200OK, OpenApiV2());
                return null;
            case "/openapi/v3":
                // No per-group documents: an empty index tells the aggregator there is nothing to merge.
                await WriteAsync(context, StatusCodes.Status200OK, new JsonObject { ["paths"] = new JsonObject() });
                return null;
            case "/apis" or "/apis/":
                await WriteAsync(context, StatusCodes.Status200OK, new JsonObject
                {
                    ["kind"] = "APIGroupList",
                    ["apiVersion"] = "v1",
                    ["groups"] = new JsonArray(Group(), ExternalGroup()),
                });
                return null;
        }

        var segments = path.Trim('/').Split('/');
        if (segments.Length >= 2 && segments[0] == "apis" && segments[1] == ExternalMetric.Group)
        {
            return await RouteExternalAsync(context, path, segments, caller);
        }

        if (segments.Length < 2 || segments[0] != "apis" || segments[1] != CustomGroup)
        {
            return ApiStatus.NotFound($"the server could not find the requested resource: {Describe(path)}; MeshScaler serves /apis/{CustomGroup} and /apis/{ExternalMetric.Group}");
        }

        if (segments.Length == 2)
        {
            await WriteAsync(context, StatusCodes.Status200OK, Group());
            return null;
        }

        var version = segments[2];
        if (!Versions.Contains(version))
        {
            return ApiStatus.NotFound($"{CustomGroup} has no version \"{Describe(version)}\"; served: {string.Join(", ", Versions)}");
        }

        if (segments.Length == 3)
        {
            await WriteAsync(context, StatusCodes.Status200OK, WithUpstream(ResourceList(version), $"/apis/{CustomGroup}/{version}"));
            return null;
        }

        // namespaces/{ns}/{resource}/{name}/{metric}: the only form served (Object metrics on namespaced resources).
        // Cluster-scoped objects (nodes) and the namespace pseudo-resource "metrics" are someone else's.
        if (segments.Length != 8 || segments[3] != "namespaces")
        {
            return await NotOursAsync(context, caller, $"the server could not find the requested resource: {Describe(path)}; served: /apis/{CustomGroup}/{version}/namespaces/{{namespace}}/{{functions|sinks|sources}}.{ObjectMetric.Group}/{{name}}/{{metric}} and .../namespaces/{{namespace}}/pods/*/{{metric}}?labelSelector=...");
        }

        var (ns, resource, name, metricName) = (segments[4], segments[5], segments[6], segments[7]);
        var query = context.Request.Query;
        if (!LabelSelector.TryParse(query["labelSelector"], out var podSelector, out var selectorError))
        {
            return ApiStatus.BadRequest($"unable to parse labelSelector: {selectorError}");
        }

        if (!LabelSelector.TryParse(query["metricLabelSelector"], out var metricSelector, out var metricSelectorError))
        {
            return ApiStatus.BadRequest($"unable to parse metricLabelSelector: {metricSelectorError}");
        }

        if (resource == "pods")
        {
            if (!ObjectMetric.Resources.Values.Any(k => ObjectMetric.ForPods(k).Any(m => m.Name == metricName)) && upstream.Configured)
            {
                return await NotOursAsync(context, caller, ApiStatus.NotFound(string.Empty));
            }

            var items = await ReadPodsAsync(ns, name, metricName, podSelector, metricSelector, aborted);
            await WriteValueListAsync(context, version, items);
            return null;
        }

        if (resource == ObjectMetric.Meshes && ObjectMetric.ForMesh.FirstOrDefault(m => m.Name == metricName) is { } meshMetric && name != "*")
        {
            if (!metricSelector.Matches(new Dictionary<string, string>()))
            {
                return ApiStatus.NotFound($"the server could not find the metric {metricName} for {resource} {name} matching metricLabelSelector {metricSelector}");
            }

            await WriteValueListAsync(context, version, [await ReadMeshAsync(version, ns, name, meshMetric, aborted)]);
            return null;
        }

        if (!ObjectMetric.Resources.TryGetValue(resource, out var kind))
        {
            return await NotOursAsync(context, caller, $"the server could not find the metric {Describe(metricName)} for {Describe(resource)}: MeshScaler serves metrics on {string.Join(", ", ObjectMetric.Resources.Keys)} and on their runner pods");
        }

        var metric = ObjectMetric.Find(kind, metricName);
        if (metric is null)
        {
            return await NotOursAsync(context, caller, $"the server could not find the metric {Describe(metricName)} for {resource} {Describe(name)}; served on {resource}: {string.Join(", ", ObjectMetric.For(kind).Select(m => m.Name))}");
        }

        if (name == "*")
        {
            return ApiStatus.NotFound($"the server could not find the metric {metricName} for {resource} *: name one {kind} (an Object metric)");
        }

        // The series carry no labels: a selector that needs one selects nothing.
        if (!metricSelector.Matches(new Dictionary<string, string>()))
        {
            return ApiStatus.NotFound($"the server could not find the metric {metricName} for {resource} {name} matching metricLabelSelector {metricSelector}");
        }

        // Remembered once it has been read (a path naming no Function is not kept), and kept as it is when it is known:
        // a read with a query finds it here and keeps its last body.
        if (!_objectPaths.TryGetValue(path, out var read))
        {
            read = ObjectRead.Of(version, ns, kind, name, metric, Trigger(ns, kind, name));
        }

        var item = await ReadAsync(read, aborted);
        if (!_objectPaths.ContainsKey(path))
        {
            if (_objectPaths.Count >= TriggerTargets.MaxEntries)
            {
                _objectPaths.Clear();
            }

            _objectPaths.TryAdd(path, read);
        }

        await WriteObjectAsync(context, read, item, aborted);
        return null;
    }

    /// <summary><c>external.metrics.k8s.io/v1beta1</c>: discovery, and <c>namespaces/{ns}/{metric}?labelSelector=…</c>.</summary>
    private async Task<ApiStatus?> RouteExternalAsync(HttpContext context, string path, string[] segments, Kubernetes.ApiUser? caller)
    {
        if (segments.Length == 2)
        {
            await WriteAsync(context, StatusCodes.Status200OK, ExternalGroup());
            return null;
        }

        if (segments[2] != ExternalMetric.Version)
        {
            return ApiStatus.NotFound($"{ExternalMetric.Group} has no version \"{Describe(segments[2])}\"; served: {ExternalMetric.Version}");
        }

        if (segments.Length == 3)
        {
            await WriteAsync(context, StatusCodes.Status200OK, WithUpstream(new JsonObject
            {
                ["kind"] = "APIResourceList",
                ["apiVersion"] = "v1",
                ["groupVersion"] = $"{ExternalMetric.Group}/{ExternalMetric.Version}",
                ["resources"] = new JsonArray([.. ExternalMetric.All.Select(m => (JsonNode)new JsonObject
                {
                    ["name"] = m.Name,
                    ["singularName"] = string.Empty,
                    ["namespaced"] = true,
                    ["kind"] = "ExternalMetricValueList",
                    ["verbs"] = new JsonArray("get"),
                })]),
            }, $"/apis/{ExternalMetric.Group}/{ExternalMetric.Version}"));
            return null;
        }

        if (segments.Length != 6 || segments[3] != "namespaces")
        {
            return ApiStatus.NotFound($"the server could not find the requested resource: {Describe(path)}; served: /apis/{ExternalMetric.Group}/{ExternalMetric.Version}/namespaces/{{namespace}}/{{metric}}?labelSelector=...");
        }

        var (ns, metricName) = (segments[4], segments[5]);
        if (!LabelSelector.TryParse(context.Request.Query["labelSelector"], out var selector, out var selectorError))
        {
            return ApiStatus.BadRequest($"unable to parse labelSelector: {selectorError}");
        }

        // The external-metrics client lowercases names: match as it sends them.
        var metric = ExternalMetric.All.FirstOrDefault(m => string.Equals(m.Name, metricName, StringComparison.OrdinalIgnoreCase));
        if (metric is null)
        {
            return await NotOursAsync(context, caller, $"the server could not find the external metric {Describe(metricName)}; served: {string.Join(", ", ExternalMetric.All.Select(m => m.Name))}");
        }

        var (value, signal, labels) = await metric.ReadAsync(ns, selector, triggers, store, BacklogAge, context.RequestAborted);
        var item = new JsonObject
        {
            ["metricName"] = metric.Name,
            ["metricLabels"] = new JsonObject([.. labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))]),
            ["timestamp"] = Timestamp(signal.OldestFetch),
        };
        if (metric.IsRate)
        {
            item["window"] = signal.RatesFromCounters ? (int)Math.Ceiling(store.Options.PollInterval.TotalSeconds) : 60;
        }

        item["value"] = KubernetesQuantity.Format(value);
        await WriteAsync(context, StatusCodes.Status200OK, new JsonObject
        {
            ["kind"] = "ExternalMetricValueList",
            ["apiVersion"] = $"{ExternalMetric.Group}/{ExternalMetric.Version}",
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray(item),
        });
        return null;
    }

    /// <summary>
    /// A request for a metric MeshScaler does not serve: forwarded to the upstream adapter when one is configured (so an
    /// HPA that read it there before still gets its answer), else 404 saying what is served.
    /// </summary>
    /// <param name="caller">Who asked (authenticated); null on the loopback-only insecure API.</param>
    private async Task<ApiStatus?> NotOursAsync(HttpContext context, Kubernetes.ApiUser? caller, string notFound) =>
        upstream.Configured ? await upstream.ForwardAsync(context, caller) : ApiStatus.NotFound(notFound);

    private Task<ApiStatus?> NotOursAsync(HttpContext context, Kubernetes.ApiUser? caller, ApiStatus notFound) => NotOursAsync(context, caller, notFound.Message);

    /// <summary>A version's resource list with the upstream adapter's resources after ours, as last read (never waited on).</summary>
    private JsonObject WithUpstream(JsonObject list, string path)
    {
        var theirs = upstreamDiscovery.Current(path);
        if (theirs.Count > 0)
        {
            var ours = list["resources"]!.AsArray();
            var names = ours.Select(r => (string?)r!["name"]).ToHashSet(StringComparer.Ordinal);
            foreach (var resource in theirs.Where(r => !names.Contains(r.Name)))
            {
                ours.Add(JsonObject.Create(resource.Resource));
            }
        }

        return list;
    }

    /// <summary>Second precision, as metav1.Time writes it; the read's own time when the data carries none.</summary>
    private string Timestamp(DateTimeOffset at) =>
        (at == DateTimeOffset.MinValue ? time.GetUtcNow() : at).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonObject ExternalGroup()
    {
        var version = new JsonObject { ["groupVersion"] = $"{ExternalMetric.Group}/{ExternalMetric.Version}", ["version"] = ExternalMetric.Version };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = ExternalMetric.Group,
            ["versions"] = new JsonArray(version),
            ["preferredVersion"] = version.DeepClone(),
        };
    }

    /// <summary>One value, from the Engine's cache as a KEDA metric read would get it.</summary>
    private async ValueTask<MetricItem> ReadAsync(ObjectRead read, CancellationToken cancellationToken)
    {
        var (described, kind, metric) = (read.Object, read.Kind, read.Metric);
        var (ns, name) = (described.Namespace, described.Name);
        var target = triggers.Resolve(ns, read.Function);
        var pollSeconds = (int)Math.Ceiling(store.Options.PollInterval.TotalSeconds);
        if (metric.Source is ObjectMetricSource.Processed or ObjectMetricSource.Received)
        {
            var round = await store.GetRunnerAsync(target, cancellationToken);
            var value = metric.Source == ObjectMetricSource.Processed ? round.ProcessedPerSecond : round.ReceivedPerSecond;
            if (value is not { } rate)
            {
                throw new ScalingException(
                    ScalingErrorKind.Unavailable,
                    $"{kind} {ns}/{name}: {metric.Name} is not known yet: {round.Answered} of {round.Pods.Count} runner pods answered, and a rate needs two rounds of every pod");
            }

            var window = round.Pods.Select(p => p.Rate?.Interval).Where(i => i is not null).Select(i => i!.Value).DefaultIfEmpty(store.Options.PollInterval).Max();
            return new MetricItem(described, metric.Name, rate, round.FetchedAt, (int)Math.Ceiling(window.TotalSeconds));
        }

        var signal = await store.GetMetricAsync(target, cancellationToken);
        var (number, windowSeconds) = metric.Source switch
        {
            ObjectMetricSource.Backlog => (signal.Backlog, (int?)null),
            ObjectMetricSource.BacklogAge => (BacklogAge(signal, $"{kind} {ns}/{name}"), (int?)null),
            ObjectMetricSource.Inflow => (signal.InflowRate, signal.RatesFromCounters ? pollSeconds : 60),
            ObjectMetricSource.OutRate => (signal.OutRate, signal.RatesFromCounters ? pollSeconds : 60),
            _ => (signal.MetricValue, (int?)null),
        };
        return new MetricItem(described, metric.Name, number, signal.OldestFetch, windowSeconds);
    }

    /// <summary>
    /// Seconds since the oldest message waiting in the backlog was published: 0 without a backlog, and an error (503),
    /// never a guess, when a topic with a backlog did not say (a broker before 2.11).
    /// </summary>
    internal double BacklogAge(ScalingSignal signal, string what)
    {
        if (signal.Backlog <= 0)
        {
            return 0;
        }

        return signal.OldestBacklogPublishTime is { } published
            ? Math.Max(0, (time.GetUtcNow() - published).TotalSeconds)
            : throw new ScalingException(
                ScalingErrorKind.Unavailable,
                $"{what}: the age of its oldest backlog message is not known: Pulsar did not report earliestMsgPublishTimeInBacklog for a topic with a backlog (brokers before 2.11 do not)");
    }

    /// <summary>
    /// A FunctionMesh's value: its Functions' and Sinks' values summed, each read as that member's own Object metric is
    /// (through the same Engine cache); one member that cannot be read fails the whole, never a partial sum.
    /// </summary>
    private async Task<MetricItem> ReadMeshAsync(string version, string ns, string name, ObjectMetric metric, CancellationToken cancellationToken)
    {
        var members = functions.MeshMembers(ns, name).Where(m => m.Kind is ComponentKind.Function or ComponentKind.Sink).ToList();
        if (members.Count == 0)
        {
            throw new ScalingException(ScalingErrorKind.NotFound, $"FunctionMesh {ns}/{name} has no Function or Sink, so no subscription to measure");
        }

        var items = new List<MetricItem>();
        foreach (var member in members)
        {
            items.Add(await ReadAsync(ObjectRead.Of(version, ns, member.Kind, member.Name, metric, Trigger(ns, member.Kind, member.Name)), cancellationToken));
        }

        return new MetricItem(
            new DescribedObject("FunctionMesh", ns, name, $"{ObjectMetric.Group}/v1alpha1"),
            metric.Name,
            metric.Source == ObjectMetricSource.BacklogAge ? items.Max(i => i.Value) : items.Sum(i => i.Value),
            items.Min(i => i.ObservedAt),
            items.Select(i => i.WindowSeconds).Max());
    }

    /// <summary>
    /// A runner metric per pod (the HPA's Pods metric): the pods of every resource the selector selects by the operator's
    /// labels, each pod's rate over its last two scrapes. A pod without one yet (it failed this round, or is new) is left
    /// out, never shown as 0; when none has one, the answer is 503.
    /// </summary>
    private async Task<IReadOnlyList<MetricItem>> ReadPodsAsync(
        string ns, string name, string metricName, LabelSelector selector, LabelSelector metricSelector, CancellationToken cancellationToken)
    {
        var kinds = ObjectMetric.Resources.Values.Where(k => ObjectMetric.ForPods(k).Any(m => m.Name == metricName)).ToList();
        if (kinds.Count == 0)
        {
            throw new ScalingException(
                ScalingErrorKind.NotFound,
                $"the server could not find the metric {Describe(metricName)} for pods; served on runner pods: {string.Join(", ", ObjectMetric.Resources.Values.SelectMany(ObjectMetric.ForPods).Select(m => m.Name).Distinct())}");
        }

        if (!metricSelector.Matches(new Dictionary<string, string>()))
        {
            throw new ScalingException(ScalingErrorKind.NotFound, $"the server could not find the metric {metricName} for pods matching metricLabelSelector {metricSelector}");
        }

        var pod = name == "*" ? null : name;
        var selected = functions.Select(ns, selector).Where(f => kinds.Contains(f.Kind)).ToList();
        if (selected.Count == 0)
        {
            throw new ScalingException(
                ScalingErrorKind.NotFound,
                $"the server could not find the metric {metricName} for pods in namespace {ns} matching labelSelector \"{selector}\": it selects no {string.Join(" or ", kinds)} runner pods by the Function Mesh operator's labels (an HPA on a Function sends its status.selector)");
        }

        var items = new List<MetricItem>();
        var pods = 0;
        foreach (var function in selected)
        {
            var metric = ObjectMetric.ForPods(function.Kind).Single(m => m.Name == metricName);
            var round = await store.GetRunnerAsync(triggers.Resolve(ns, Trigger(ns, function.Kind, function.Name)), cancellationToken);
            foreach (var result in round.Pods.Where(p => pod is null || p.Pod == pod))
            {
                pods++;
                var value = metric.Source == ObjectMetricSource.Processed ? result.Rate?.ProcessedPerSecond : result.Rate?.ReceivedPerSecond;
                if (value is { } rate)
                {
                    items.Add(new MetricItem(
                        new DescribedObject("Pod", ns, result.Pod, "v1"), metricName, rate, round.FetchedAt, (int)Math.Ceiling(result.Rate!.Interval.TotalSeconds)));
                }
            }
        }

        if (pod is not null && pods == 0)
        {
            throw new ScalingException(ScalingErrorKind.NotFound, $"the server could not find the metric {metricName} for pods {Describe(pod)}: not a runner pod of {string.Join(", ", selected)}");
        }

        return items.Count > 0
            ? items
            : throw new ScalingException(
                ScalingErrorKind.Unavailable,
                $"{metricName} is not known yet for any of the {pods} runner pods of {string.Join(", ", selected)}: a pod's rate needs two scrapes in a row");
    }

    /// <summary>
    /// The resource as a <c>function:</c> trigger in capacity mode (so its runner pods are read), parsed once per resource,
    /// to be resolved on each read as a ScaledObject's is: the directory, the Function's ConfigMap, the configured
    /// clusters (so a changed resource counts from its watch event on).
    /// </summary>
    private FunctionTrigger Trigger(string ns, ComponentKind kind, string name)
    {
        if (!_triggers.TryGetValue((kind, name), out var function))
        {
            var parsed = TriggerMetadata.Parse(new Dictionary<string, string>
            {
                [TriggerMetadata.Function] = name,
                [TriggerMetadata.FunctionKind] = kind.ToString(),
                [TriggerMetadata.ScalingModeKey] = "capacity",
            });
            function = parsed.Function ?? throw new ScalingException(ScalingErrorKind.InvalidArgument, $"{kind} {ns}/{name}: {parsed.ErrorMessage}");
            if (_triggers.Count >= TriggerTargets.MaxEntries)
            {
                _triggers.Clear();
            }

            _triggers[(kind, name)] = function;
        }

        return function;
    }

    private static JsonObject Group() => new()
    {
        ["kind"] = "APIGroup",
        ["apiVersion"] = "v1",
        ["name"] = CustomGroup,
        ["versions"] = new JsonArray([.. Versions.Select(v => (JsonNode)GroupVersion(v))]),
        ["preferredVersion"] = GroupVersion(Versions[0]),
    };

    private static JsonObject GroupVersion(string version) => new() { ["groupVersion"] = $"{CustomGroup}/{version}", ["version"] = version };

    /// <summary>Every (resource, metric) pair served, each resource namespaced alike (aggregated discovery requires it).</summary>
    private static JsonObject ResourceList(string version) => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = $"{CustomGroup}/{version}",
        ["resources"] = new JsonArray([.. ObjectMetric.Resources
            .SelectMany(r => ObjectMetric.For(r.Value).Select(m => $"{r.Key}/{m.Name}"))
            .Concat(ObjectMetric.ForMesh.Select(m => $"{ObjectMetric.Meshes}/{m.Name}"))
            .Concat(ObjectMetric.Resources.Values.SelectMany(ObjectMetric.ForPods).Select(m => $"pods/{m.Name}").Distinct())
            .Select(entry => (JsonNode)new JsonObject
            {
                ["name"] = entry,
                ["singularName"] = string.Empty,
                ["namespaced"] = true,
                ["kind"] = "MetricValueList",
                ["verbs"] = new JsonArray("get"),
            })]),
    };

    /// <summary>One Object metric's MetricValueList, the bytes written last time for the path when the item is the same.</summary>
    private Task WriteObjectAsync(HttpContext context, ObjectRead read, MetricItem item, CancellationToken cancellationToken)
    {
        // Without a fetch time the timestamp is the read's own, so such a body is never the same twice: not kept.
        if (item.ObservedAt == DateTimeOffset.MinValue)
        {
            return WriteValueListAsync(context, read.Version, [item]);
        }

        byte[] body;
        if (read.Answer is { } known && known.Item == item)
        {
            body = known.Body;
        }
        else
        {
            body = ValueList(read.Version, [item]).WrittenSpan.ToArray();
            read.Answer = new WrittenAnswer(item, body);
        }

        return WriteJsonAsync(context, body, cancellationToken);
    }

    private Task WriteValueListAsync(HttpContext context, string version, IReadOnlyList<MetricItem> items) =>
        WriteJsonAsync(context, ValueList(version, items).WrittenMemory, context.RequestAborted);

    private static Task WriteJsonAsync(HttpContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        WriteBodyAsync(context, StatusCodes.Status200OK, "application/json", body, cancellationToken);

    /// <summary>
    /// A MetricValueList in the version's own field names (v1beta2: <c>metric.name</c>, <c>windowSeconds</c>; v1beta1:
    /// <c>metricName</c>, <c>window</c>, <c>selector</c>).
    /// </summary>
    private System.Buffers.ArrayBufferWriter<byte> ValueList(string version, IReadOnlyList<MetricItem> items)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            var v1beta2 = version == "v1beta2";
            json.WriteStartObject();
            json.WriteString("kind", "MetricValueList");
            json.WriteString("apiVersion", $"{CustomGroup}/{version}");
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            json.WriteStartArray("items");
            foreach (var item in items)
            {
                json.WriteStartObject();
                json.WriteStartObject("describedObject");
                json.WriteString("kind", item.Object.Kind);
                json.WriteString("namespace", item.Object.Namespace);
                json.WriteString("name", item.Object.Name);
                json.WriteString("apiVersion", item.Object.ApiVersion);
                json.WriteEndObject();
                if (v1beta2)
                {
                    json.WriteStartObject("metric");
                    json.WriteString("name", item.Metric);
                    json.WriteNull("selector");
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteString("metricName", item.Metric);
                }

                json.WriteString("timestamp", Timestamp(item.ObservedAt));
                if (item.WindowSeconds is { } window)
                {
                    json.WriteNumber(v1beta2 ? "windowSeconds" : "window", window);
                }

                json.WriteString("value", KubernetesQuantity.Format(item.Value));
                if (!v1beta2)
                {
                    json.WriteNull("selector");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer;
    }

    private static JsonObject OpenApiV2() => new()
    {
        ["swagger"] = "2.0",
        ["info"] = new JsonObject { ["title"] = "meshscaler", ["version"] = "1.0.0" },
        ["paths"] = new JsonObject(),
    };

    /// <summary>A request's text as shown back in an error: bounded, so a huge or odd path does not come back whole.</summary>
    private static string Describe(string text) => text.Length <= 100 ? text : text[..100] + "…";

    private static Task WriteAsync(HttpContext context, int code, JsonObject body) =>
        WriteBodyAsync(context, code, "application/json", System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()), context.RequestAborted);

    private static Task WriteTextAsync(HttpContext context, int code, byte[] text) =>
        WriteBodyAsync(context, code, "text/plain; charset=utf-8", text, context.RequestAborted);

    /// <summary>
    /// Every body the API answers itself (a forwarded answer is copied as the adapter sends it): whole, with its length,
    /// and flushed once, by Kestrel when the request completes, so the headers, the body and the end of the stream leave
    /// together. A flush here would send them in two rounds through Kestrel's output, and on HTTP/2 end the stream with
    /// an empty frame of its own.
    /// </summary>
    private static async Task WriteBodyAsync(HttpContext context, int code, string contentType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = code;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.StartAsync(cancellationToken);
        response.BodyWriter.Write(body.Span);
    }

    private sealed record DescribedObject(string Kind, string Namespace, string Name, string ApiVersion);

    private sealed record WrittenAnswer(MetricItem Item, byte[] Body);

    /// <summary>An Object metric as its path names it, checked: what every read of that path needs besides the value.</summary>
    private sealed class ObjectRead(string version, DescribedObject described, ComponentKind kind, ObjectMetric metric, FunctionTrigger function)
    {
        private WrittenAnswer? _answer;

        public string Version => version;

        public DescribedObject Object => described;

        public ComponentKind Kind => kind;

        public ObjectMetric Metric => metric;

        public FunctionTrigger Function => function;

        /// <summary>The body last written for the path (reads between two polls get the same bytes); replaced whole.</summary>
        public WrittenAnswer? Answer
        {
            get => Volatile.Read(ref _answer);
            set => Volatile.Write(ref _answer, value);
        }

        public static ObjectRead Of(string version, string ns, ComponentKind kind, string name, ObjectMetric metric, FunctionTrigger function) =>
            new(version, new DescribedObject(kind.ToString(), ns, name, $"{ObjectMetric.Group}/v1alpha1"), kind, metric, function);
    }

    private sealed record MetricItem(DescribedObject Object, string Metric, double Value, DateTimeOffset ObservedAt, int? WindowSeconds);
}
