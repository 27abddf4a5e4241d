using MeshScaler.Core;
using MeshScaler.Engine;
using MeshScaler.Keda;

namespace MeshScaler.MetricsApi;

/// <summary>
/// The <c>external.metrics.k8s.io</c> metrics: a subscription's signals, for consumers that are not Functions, selected
/// by the labels <c>cluster</c> (a configured cluster's name), <c>tenant</c>, <c>namespace</c>, <c>topic</c> (its local
/// name) and <c>subscription</c>, each written as a label value by <see cref="LabelValues"/> (so a Function's
/// subscription <c>public/default/fn</c> is <c>public_2fdefault_2ffn</c>), each required with <c>=</c>.
/// </summary>
internal sealed record ExternalMetric(string Name, ObjectMetricSource Source, bool IsRate)
{
    public const string Group = "external.metrics.k8s.io";
    public const string Version = "v1beta1";

    /// <summary>The labels that select a subscription, in the order an error lists them.</summary>
    public static readonly string[] Labels = ["cluster", "tenant", "namespace", "topic", "subscription"];

    public static IReadOnlyList<ExternalMetric> All { get; } =
    [
        new("pulsar_subscription_back_log", ObjectMetricSource.Backlog, false),
        new("pulsar_rate_in", ObjectMetricSource.Inflow, true),
        new("pulsar_subscription_msg_rate_out", ObjectMetricSource.OutRate, true),
        new("pulsar_subscription_backlog_age_seconds", ObjectMetricSource.BacklogAge, false),
    ];

    /// <summary>
    /// The subscription's value, read as a trigger naming it would be (cached per subscription, through the same Engine
    /// cache); the labels it was selected by are the item's <c>metricLabels</c>.
    /// </summary>
    public async Task<(double Value, ScalingSignal Signal, IReadOnlyDictionary<string, string> Labels)> ReadAsync(
        string @namespace, LabelSelector selector, TriggerTargets triggers, SignalStore store, Func<ScalingSignal, string, double> backlogAge, CancellationToken cancellationToken)
    {
        var (values, names) = Subscription(selector);
        var topic = $"persistent://{names["tenant"]}/{names["namespace"]}/{names["topic"]}";
        var target = triggers.Parse(new ScaledObjectRef
        {
            Name = $"metrics-api:external/{names["cluster"]}/{topic}/{names["subscription"]}",
            Namespace = @namespace,
            ScalerMetadata =
            {
                [TriggerMetadata.PulsarCluster] = names["cluster"],
                [TriggerMetadata.Topic] = topic,
                [TriggerMetadata.Subscription] = names["subscription"],
            },
        });
        var signal = await store.GetMetricAsync(target, cancellationToken);
        var number = Source switch
        {
            ObjectMetricSource.Backlog => signal.Backlog,
            ObjectMetricSource.Inflow => signal.InflowRate,
            ObjectMetricSource.BacklogAge => backlogAge(signal, $"subscription {names["subscription"]} of {topic}"),
            _ => signal.OutRate,
        };
        return (number, signal, values);
    }

    /// <summary>The subscription a selector names: its labels' values as written, and the names they stand for.</summary>
    /// <exception cref="ScalingException">A label is missing, not required with <c>=</c>, or not a name written as a label value.</exception>
    public (IReadOnlyDictionary<string, string> Values, IReadOnlyDictionary<string, string> Names) Subscription(LabelSelector selector)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in Labels)
        {
            if (selector.RequiredValue(label) is not { } value)
            {
                throw new ScalingException(
                    ScalingErrorKind.InvalidArgument,
                    $"the labelSelector of {Name} must give each of {string.Join(", ", Labels)} one value with '=' (names written as label values: every character but letters, digits, '-' and '.' as _xx, so public/default/fn is public_2fdefault_2ffn); {label} has none in \"{selector}\"");
            }

            if (!LabelValues.TryUnescape(value, out var name))
            {
                throw new ScalingException(ScalingErrorKind.InvalidArgument, $"the labelSelector's {label}={value} is not a name written as a label value (an '_' must start _xx, and only what must be escaped is)");
            }

            values[label] = value;
            names[label] = name;
        }

        return (values, names);
    }
}
