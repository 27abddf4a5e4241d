namespace MeshScaler.Core;

/// <summary>
/// The trigger-metadata table and its parser: a drop-in superset of KEDA's pulsar scaler (<c>type: pulsar</c>), so a
/// trigger can switch to <c>type: external</c> without renaming anything.
/// </summary>
/// <remarks>
/// Parsing follows KEDA's typed config: every key is parsed on its own and every error is collected; then the cross-field
/// rules run (exactly one topic selector; adminURL or pulsarCluster). A key <c>xFromEnv</c> is an alias of <c>x</c>
/// (KEDA has already resolved it from the target's environment); when both are present the plain key wins, as in KEDA's
/// lookup order. Numbers use the invariant culture. An unknown key within <see cref="MaxTypoDistance"/> edits of a
/// known one (or of its <c>FromEnv</c> alias) is a typo and an error naming the key it resembles, reported before the
/// errors it may cause (a missing topic, a default threshold); an unknown key close to nothing is only reported back,
/// as KEDA ignores keys it does not know.
/// </remarks>
public static class TriggerMetadata
{
    public const string AdminUrl = "adminURL";
    public const string PulsarCluster = "pulsarCluster";
    public const string Topic = "topic";
    public const string Topics = "topics";
    public const string TopicPattern = "topicPattern";
    public const string Subscription = "subscription";
    public const string MsgBacklogThreshold = "msgBacklogThreshold";
    public const string ActivationMsgBacklogThreshold = "activationMsgBacklogThreshold";
    public const string ActivationMsgRateThreshold = "activationMsgRateThreshold";
    public const string IsPartitionedTopic = "isPartitionedTopic";
    public const string ScalingModeKey = "scalingMode";
    public const string TargetDrainSeconds = "targetDrainSeconds";
    public const string MsgRatePerReplica = "msgRatePerReplica";
    public const string MaxDrainSeconds = "maxDrainSeconds";
    public const string ReplicaStartupSeconds = "replicaStartupSeconds";
    public const string CatchUpRatio = "catchUpRatio";
    public const string Function = "function";
    public const string FunctionKind = "functionKind";
    public const string RunnerMetrics = "runnerMetrics";

    private const string FromEnvSuffix = "FromEnv";

    /// <summary>Unknown keys this close to a known key are taken for typos of it.</summary>
    public const int MaxTypoDistance = 2;

    /// <summary>The table: every key MeshScaler reads, its default and its parser.</summary>
    public static IReadOnlyList<MetadataParameter> Parameters { get; } =
    [
        new(AdminUrl, false, null, "Required unless pulsarCluster or function is set. Pulsar admin URL, e.g. http://pulsar-broker:8080; must match a configured cluster when clusters are configured.", MetadataParsers.HttpUrl),
        new(PulsarCluster, false, null, "Name of a server-side configured cluster (MeshScaler:Pulsar:Clusters:<name>).", MetadataParsers.Text),
        new(Topic, false, null, "persistent://tenant/ns/topic or tenant/ns/topic. Exactly one of topic, topics, topicPattern.", MetadataParsers.Topic),
        new(Topics, false, null, "Comma-separated topics; the backlog is summed over them.", MetadataParsers.Topics),
        new(TopicPattern, false, null, "[persistent://]tenant/ns/<regex>: every topic of the namespace whose local name matches entirely; the list is re-read every MeshScaler:Pulsar:TopicListRefresh (1 min).", MetadataParsers.Pattern),
        new(Subscription, true, null, "Subscription name (a Function's default is tenant/ns/name). Not needed with function.", MetadataParsers.Text),
        new(MsgBacklogThreshold, false, "10", "Backlog (entries) per replica; the AverageValue target in backlog mode. > 0.", MetadataParsers.PositiveNumber),
        new(ActivationMsgBacklogThreshold, false, "0", "Active while backlog > this. >= 0.", MetadataParsers.NonNegativeNumber),
        new(ActivationMsgRateThreshold, false, null, "Also active while the topics' inflow (msg/s) > this. >= 0. Capacity mode: 0 when not set.", MetadataParsers.NonNegativeNumber),
        new(IsPartitionedTopic, false, "detect", "true or false; when absent, detected from the topic's partition metadata and cached.", MetadataParsers.Boolean),
        new(ScalingModeKey, false, "backlog", "backlog (metric = backlog, target = msgBacklogThreshold) or capacity (metric = replicas needed, unrounded, target = 1).", MetadataParsers.Mode),
        new(TargetDrainSeconds, false, "60", "Capacity mode: size replicas to drain a backlog within this many seconds of new replicas starting. >= 0.001, <= 86400.", MetadataParsers.PositiveSeconds),
        new(ReplicaStartupSeconds, false, "0", "Capacity mode: seconds from asking for a replica to it consuming (scheduling, image pull, start, connect); drain times count from then. >= 0, <= 86400.", MetadataParsers.NonNegativeSeconds),
        new(CatchUpRatio, false, "0.5", "Capacity mode: a large backlog is drained with at most this fraction of the inflow rate on top of the inflow (unless the consumers already drain faster, maxDrainSeconds needs more, or a burst has ended and its backlog's oldest message has already waited replicaStartupSeconds + targetDrainSeconds: then it is drained within targetDrainSeconds); while the inflow stays where the backlog built up, its lag falls this many seconds per second. > 0, <= 100.", MetadataParsers.PositiveRatio),
        new(MaxDrainSeconds, false, "300", "Capacity mode (300, or targetDrainSeconds when longer): never drain a backlog slower than within replicaStartupSeconds + this, however little flows in. >= targetDrainSeconds, <= 86400.", MetadataParsers.PositiveSeconds),
        new(MsgRatePerReplica, false, "learned", "Capacity mode: messages per second one replica processes; learned from the subscription when absent. > 0.", MetadataParsers.PositiveNumber),
        new(Function, false, null, "A Function Mesh resource in the ScaledObject's namespace (metadata.name). Its input topics, subscription and Pulsar admin URL (its pulsarConfig ConfigMap's webServiceURL) are read from the cluster and followed as they change; explicit keys win over them.", MetadataParsers.ResourceName),
        new(FunctionKind, false, "Function", "With function: Function, Sink or Source.", MetadataParsers.Kind),
        new(RunnerMetrics, false, "auto", "Capacity mode: read the per-replica rate from the runner pods' own metrics while they are saturated. auto (when function is set), true (required: fail rather than infer) or false.", MetadataParsers.RunnerMode),
    ];

    /// <summary>Keys KEDA itself uses, or that KEDA's pulsar scaler reads for authentication; accepted and ignored.</summary>
    public static IReadOnlyDictionary<string, string> IgnoredKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["scalerAddress"] = "used by KEDA to reach this scaler",
        ["enableTLS"] = "used by KEDA to reach this scaler",
        ["unsafeSsl"] = "used by KEDA to reach this scaler",
        ["authModes"] = "Pulsar credentials are configured server-side (MeshScaler:Pulsar:Clusters)",
        ["authMode"] = "Pulsar credentials are configured server-side (MeshScaler:Pulsar:Clusters)",
        ["tls"] = "Pulsar TLS is configured server-side (MeshScaler:Pulsar:Clusters:<name>:Tls)",
        ["oauthTokenURI"] = "Pulsar credentials are configured server-side (MeshScaler:Pulsar:Clusters)",
        ["scope"] = "Pulsar credentials are configured server-side (MeshScaler:Pulsar:Clusters)",
        ["clientID"] = "Pulsar credentials are configured server-side (MeshScaler:Pulsar:Clusters)",
        ["EndpointParams"] = "Pulsar credentials are configured server-side (MeshScaler:Pulsar:Clusters)",
        ["endpointParams"] = "Pulsar credentials are configured server-side (MeshScaler:Pulsar:Clusters)",
    };

    private static readonly Dictionary<string, MetadataParameter> ByName =
        Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>Parses a trigger's metadata; never throws for bad input.</summary>
    public static MetadataParseResult Parse(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var errors = new List<string>();
        var unknown = new List<string>();
        var ignored = new List<string>();
        var raw = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            // A plain key overwrites its alias and an alias never overwrites a plain key, so the plain key wins in any order.
            if (ByName.ContainsKey(key))
            {
                raw[key] = value;
            }
            else if (key.EndsWith(FromEnvSuffix, StringComparison.Ordinal) && ByName.ContainsKey(key[..^FromEnvSuffix.Length]))
            {
                raw.TryAdd(key[..^FromEnvSuffix.Length], value);
            }
            else if (IgnoredKeys.ContainsKey(key))
            {
                ignored.Add(key);
            }
            else if (ClosestKnownKey(key) is { } meant)
            {
                errors.Add($"unknown parameter \"{key}\": did you mean \"{meant}\"?");
            }
            else
            {
                unknown.Add(key);
            }
        }

        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var parameter in Parameters)
        {
            if (!raw.TryGetValue(parameter.Name, out var text))
            {
                continue;
            }

            var parsed = parameter.Parse(parameter.Name, text);
            if (parsed.Error is not null)
            {
                errors.Add(parsed.Error);
            }
            else
            {
                values[parameter.Name] = parsed.Value;
            }
        }

        ApplyCrossFieldRules(raw, errors);
        CheckDrainTimes(raw, values, errors);

        if (errors.Count > 0)
        {
            return new MetadataParseResult(null, errors, unknown, ignored);
        }

        if (values.TryGetValue(Function, out var function) && function is string name)
        {
            var kind = values.TryGetValue(FunctionKind, out var k) && k is ComponentKind parsedKind ? parsedKind : ComponentKind.Function;
            return new MetadataParseResult(null, errors, unknown, ignored) { Function = new FunctionTrigger(kind, name, values) };
        }

        var target = Build(values, null);
        return new MetadataParseResult(target, errors, unknown, ignored);
    }

    private static string? ClosestKnownKey(string key)
    {
        string? closest = null;
        var best = MaxTypoDistance + 1;
        foreach (var parameter in Parameters)
        {
            foreach (var name in (ReadOnlySpan<string>)[parameter.Name, parameter.Name + FromEnvSuffix])
            {
                var distance = EditDistance.Between(key, name);
                if (distance < best)
                {
                    (closest, best) = (name, distance);
                }
            }
        }

        return closest;
    }

    private static void ApplyCrossFieldRules(Dictionary<string, string> raw, List<string> errors)
    {
        // A Function's resource supplies the subscription, the topics and the admin URL; explicit keys still win.
        var function = raw.ContainsKey(Function);
        foreach (var parameter in Parameters)
        {
            if (parameter.Required && !raw.ContainsKey(parameter.Name) && !function)
            {
                errors.Add($"missing required parameter \"{parameter.Name}\"");
            }
        }

        if (!function)
        {
            if (raw.ContainsKey(FunctionKind))
            {
                errors.Add($"{FunctionKind} needs \"{Function}\"");
            }

            if (raw.TryGetValue(RunnerMetrics, out var runner) && MetadataParsers.RunnerMode(RunnerMetrics, runner).Value is RunnerMetricsMode.Required)
            {
                errors.Add($"{RunnerMetrics}: true needs \"{Function}\" (the runner pods are found through the Function)");
            }
        }

        if (!raw.ContainsKey(AdminUrl) && !raw.ContainsKey(PulsarCluster) && !function)
        {
            errors.Add($"missing required parameter \"{AdminUrl}\" (or \"{PulsarCluster}\" or \"{Function}\")");
        }

        var selectors = new[] { Topic, Topics, TopicPattern }.Where(raw.ContainsKey).ToList();
        if (selectors.Count > 1 || (selectors.Count == 0 && !function))
        {
            errors.Add(selectors.Count == 0
                ? $"exactly one of {Topic}, {Topics} or {TopicPattern} must be set, got none"
                : $"exactly one of {Topic}, {Topics} or {TopicPattern} must be set, got {string.Join(" and ", selectors)}");
        }
    }

    /// <summary>An explicit <c>maxDrainSeconds</c> must not be shorter than <c>targetDrainSeconds</c> (given or default).</summary>
    private static void CheckDrainTimes(Dictionary<string, string> raw, Dictionary<string, object?> values, List<string> errors)
    {
        if (!values.TryGetValue(MaxDrainSeconds, out var max) || max is not double longest || (raw.ContainsKey(TargetDrainSeconds) && !values.ContainsKey(TargetDrainSeconds)))
        {
            return;
        }

        var given = values.TryGetValue(TargetDrainSeconds, out var target) && target is double;
        var drain = given ? (double)target! : MetadataDefaults.TargetDrainSeconds;
        if (longest < drain)
        {
            errors.Add(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{MaxDrainSeconds} must be at least {TargetDrainSeconds} ({drain}{(given ? string.Empty : ", the default")}), got {MetadataParsers.Quote(raw[MaxDrainSeconds])}"));
        }
    }

    /// <summary>
    /// The target from the parsed values, completed by what a Function's resource says (<paramref name="facts"/>) for every
    /// key the metadata does not set. Throws <see cref="ScalingException"/> (InvalidArgument) when neither supplies topics.
    /// </summary>
    internal static ScaleTarget Build(IReadOnlyDictionary<string, object?> values, FunctionFacts? facts)
    {
        T? Get<T>(string key) => values.TryGetValue(key, out var v) && v is T t ? t : default;
        double? Number(string key) => values.TryGetValue(key, out var v) && v is double d ? d : null;

        var topics = Get<TopicSelector>(Topic) ?? Get<TopicSelector>(Topics) ?? Get<TopicSelector>(TopicPattern) ?? facts?.Topics
            ?? throw new ScalingException(
                ScalingErrorKind.InvalidArgument,
                $"{facts?.Function.ToString() ?? "the trigger"} {facts?.TopicsProblem ?? "has no input topics (a Source reads none)"}; name them with {Topic}, {Topics} or {TopicPattern}");
        var drain = Number(TargetDrainSeconds) ?? MetadataDefaults.TargetDrainSeconds;
        var subscription = Get<string>(Subscription) ?? facts!.Subscription;
        var mode = values.TryGetValue(ScalingModeKey, out var m) && m is ScalingMode parsed ? parsed : ScalingMode.Backlog;
        var adminUrl = Get<Uri>(AdminUrl);
        var clusterName = Get<string>(PulsarCluster);
        if (facts is not null && adminUrl is null && clusterName is null)
        {
            // A ConfigMap cache still listing is a moment to wait (Unavailable: KEDA and the HPA ask again), not a bad resource.
            adminUrl = facts.AdminUrl ?? throw new ScalingException(
                facts.AdminUrlPending ? ScalingErrorKind.Unavailable : ScalingErrorKind.InvalidArgument,
                $"{facts.Function}: {facts.AdminUrlProblem ?? "no Pulsar admin URL is known"}; set {AdminUrl} or {PulsarCluster}");
        }

        return new ScaleTarget
        {
            AdminUrl = adminUrl,
            ClusterName = clusterName,
            Function = facts?.Function,
            RunnerMetrics = values.TryGetValue(RunnerMetrics, out var r) && r is RunnerMetricsMode runner ? runner : RunnerMetricsMode.Auto,
            Topics = topics,
            Subscription = subscription,
            IsPartitionedTopic = values.TryGetValue(IsPartitionedTopic, out var p) ? (bool?)p : null,
            MsgBacklogThreshold = Number(MsgBacklogThreshold) ?? MetadataDefaults.MsgBacklogThreshold,
            ActivationMsgBacklogThreshold = Number(ActivationMsgBacklogThreshold) ?? MetadataDefaults.ActivationMsgBacklogThreshold,
            ActivationMsgRateThreshold = Number(ActivationMsgRateThreshold)
                ?? (mode == ScalingMode.Capacity ? MetadataDefaults.CapacityActivationMsgRateThreshold : null),
            Mode = mode,
            TargetDrainSeconds = drain,
            MaxDrainSeconds = Number(MaxDrainSeconds) ?? MetadataDefaults.MaxDrainSeconds(drain),
            ReplicaStartupSeconds = Number(ReplicaStartupSeconds) ?? MetadataDefaults.ReplicaStartupSeconds,
            CatchUpRatio = Number(CatchUpRatio) ?? MetadataDefaults.CatchUpRatio,
            MsgRatePerReplica = Number(MsgRatePerReplica),
            MetricName = facts is null ? MetricNames.For(topics, subscription) : MetricNames.For(facts.Function, Get<string>(Subscription)),
        };
    }
}
