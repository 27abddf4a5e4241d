using System.Text.Json;
using MeshScaler.Core;

namespace MeshScaler.Pulsar;

/// <summary>
/// Tolerant readers for Pulsar admin payloads: unknown fields, explicit nulls, ints where doubles are expected and
/// missing optional objects are accepted; a wrong shape or missing required value (<c>msgRateIn</c>,
/// <c>subscriptions</c>, a subscription's <c>msgBacklog</c> and <c>msgRateOut</c>) is an
/// <see cref="ScalingErrorKind.Unavailable"/> error whose message starts with <c>context</c>. The cumulative counters
/// (topic <c>msgInCounter</c>, subscription <c>msgOutCounter</c>) are optional: absent, null, negative, fractional or
/// non-numeric counters read as null, and the caller falls back to the windowed rates rather than failing the fetch.
/// </summary>
internal static class PulsarStatsParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>Parses <c>/stats</c> of a non-partitioned topic or a single partition.</summary>
    public static ParsedTopicStats ParseTopicStats(ReadOnlyMemory<byte> body, string context)
    {
        using var document = Open(body, context);
        return ReadTopic(document.RootElement, context);
    }

    /// <summary>Parses <c>/partitioned-stats</c>.</summary>
    public static ParsedPartitionedStats ParsePartitionedStats(ReadOnlyMemory<byte> body, string context)
    {
        using var document = Open(body, context);
        var root = document.RootElement;
        var aggregate = ReadTopic(root, context);

        int? metadataPartitions = null;
        if (TryGetValue(root, "metadata", out var metadata))
        {
            if (metadata.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(context, "'metadata' must be an object");
            }

            if (TryGetValue(metadata, "partitions", out var count))
            {
                metadataPartitions = ReadCount(count, context, "'metadata.partitions'");
            }
        }

        var partitions = new Dictionary<string, ParsedTopicStats>(StringComparer.Ordinal);
        if (TryGetValue(root, "partitions", out var partitionsElement))
        {
            if (partitionsElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(context, "'partitions' must be an object");
            }

            foreach (var partition in partitionsElement.EnumerateObject())
            {
                if (partition.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                partitions[partition.Name] = ReadTopic(partition.Value, $"{context}: partition '{partition.Name}'");
            }
        }

        return new ParsedPartitionedStats(aggregate, metadataPartitions, partitions);
    }

    /// <summary>Parses <c>/partitions</c>: <c>{"partitions":N}</c>, N ≥ 0.</summary>
    public static int ParsePartitionCount(ReadOnlyMemory<byte> body, string context)
    {
        using var document = Open(body, context);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(context, "expected a JSON object");
        }

        if (!TryGetValue(root, "partitions", out var count))
        {
            throw Invalid(context, "'partitions' is missing");
        }

        return ReadCount(count, context, "'partitions'");
    }

    /// <summary>Parses a JSON array of strings (the namespace topic lists).</summary>
    public static IReadOnlyList<string> ParseStringArray(ReadOnlyMemory<byte> body, string context)
    {
        using var document = Open(body, context);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(context, "expected a JSON array of topic names");
        }

        var result = new List<string>(root.GetArrayLength());
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw Invalid(context, $"expected only strings in the array, found {Describe(item.ValueKind)}");
            }

            result.Add(item.GetString()!);
        }

        return result;
    }

    private static JsonDocument Open(ReadOnlyMemory<byte> body, string context)
    {
        if (body.IsEmpty)
        {
            throw Invalid(context, "the response body is empty");
        }

        try
        {
            return JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw Invalid(context, $"not valid JSON ({ex.Message})", ex);
        }
    }

    private static ParsedTopicStats ReadTopic(JsonElement topic, string context)
    {
        if (topic.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(context, $"expected a JSON object, found {Describe(topic.ValueKind)}");
        }

        var msgRateIn = RequireDouble(topic, "msgRateIn", context, string.Empty);
        // Pulsar always writes 'subscriptions' ({} when there are none). Without it, "no such subscription" would
        // read as a backlog of 0 and scale a function down; a proxy or broken broker answer is an error instead.
        if (!TryGetValue(topic, "subscriptions", out var subscriptionsElement))
        {
            throw Invalid(context, "'subscriptions' is missing");
        }

        if (subscriptionsElement.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(context, "'subscriptions' must be an object");
        }

        var subscriptions = new Dictionary<string, ParsedSubscription>(StringComparer.Ordinal);
        foreach (var subscription in subscriptionsElement.EnumerateObject())
        {
            subscriptions[subscription.Name] = ReadSubscription(subscription.Name, subscription.Value, context);
        }

        return new ParsedTopicStats(msgRateIn, subscriptions, OptionalCounter(topic, "msgInCounter"));
    }

    private static ParsedSubscription ReadSubscription(string name, JsonElement subscription, string context)
    {
        var where = $"subscription '{name}': ";
        if (subscription.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(context, $"{where}expected a JSON object, found {Describe(subscription.ValueKind)}");
        }

        var backlog = RequireLong(subscription, "msgBacklog", context, where);
        if (backlog < 0)
        {
            throw Invalid(context, $"{where}'msgBacklog' must not be negative (was {backlog})");
        }

        var msgRateOut = RequireDouble(subscription, "msgRateOut", context, where);
        string? type = null;
        if (TryGetValue(subscription, "type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String)
        {
            type = typeElement.GetString();
        }

        var consumerCount = 0;
        var maxAvg = 0.0;
        if (TryGetValue(subscription, "consumers", out var consumers))
        {
            if (consumers.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(context, $"{where}'consumers' must be an array");
            }

            foreach (var consumer in consumers.EnumerateArray())
            {
                if (consumer.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid(context, $"{where}each consumer must be an object, found {Describe(consumer.ValueKind)}");
                }

                consumerCount++;
                var named = TryGetValue(consumer, "consumerName", out var consumerName)
                    && consumerName.ValueKind == JsonValueKind.String
                    && consumerName.GetString()!.Length > 0;
                if (named
                    && TryGetValue(consumer, "avgMessagesPerEntry", out var avg)
                    && avg.ValueKind == JsonValueKind.Number
                    && avg.GetDouble() is var value
                    && double.IsFinite(value))
                {
                    maxAvg = Math.Max(maxAvg, value);
                }
            }
        }

        return new ParsedSubscription(backlog, msgRateOut, consumerCount, maxAvg, type, OptionalCounter(subscription, "msgOutCounter"), EarliestInBacklog(subscription));
    }

    /// <summary>
    /// <c>earliestMsgPublishTimeInBacklog</c> (epoch milliseconds) when it names a moment: brokers write 0 when not asked
    /// (<c>getEarliestTimeInBacklog</c>) or before 2.11, and −1 when there is no backlog; both are "unknown", never a time.
    /// </summary>
    private static DateTimeOffset? EarliestInBacklog(JsonElement subscription) =>
        OptionalCounter(subscription, "earliestMsgPublishTimeInBacklog") is { } ms && ms > 0 && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;

    private static long? OptionalCounter(JsonElement element, string name) =>
        TryGetValue(element, name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var counter) && counter >= 0
            ? counter
            : null;

    private static bool TryGetValue(JsonElement element, string name, out JsonElement value) =>
        element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static double RequireDouble(JsonElement element, string name, string context, string where)
    {
        if (!TryGetValue(element, name, out var value))
        {
            throw Invalid(context, $"{where}'{name}' is missing");
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw Invalid(context, $"{where}'{name}' must be a number, found {Describe(value.ValueKind)}");
        }

        return number;
    }

    private static long RequireLong(JsonElement element, string name, string context, string where)
    {
        var number = RequireDouble(element, name, context, where);
        if (element.GetProperty(name).TryGetInt64(out var exact))
        {
            return exact;
        }

        // Some serializers write whole numbers as 1526.0; anything beyond long range is not a backlog.
        if (number is >= long.MinValue and <= long.MaxValue)
        {
            return (long)Math.Round(number);
        }

        throw Invalid(context, $"{where}'{name}' is out of range ({number})");
    }

    private static int ReadCount(JsonElement value, string context, string what)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var count))
        {
            throw Invalid(context, $"{what} must be a whole number, found {Describe(value.ValueKind)}");
        }

        if (count < 0)
        {
            throw Invalid(context, $"{what} must not be negative (was {count})");
        }

        return count;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static ScalingException Invalid(string context, string what, Exception? inner = null) =>
        new(ScalingErrorKind.Unavailable, $"{context}: {what}", inner);
}
