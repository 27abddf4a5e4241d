using System.Collections.Concurrent;
using System.Text;
using MeshScaler.Core;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Keda;

/// <summary>
/// Parses a ScaledObject's trigger metadata into a <see cref="ScaleTarget"/>, once per distinct metadata: KEDA sends the
/// same map on every call. Unknown and ignored keys are logged once per ScaledObject and key.
/// </summary>
internal sealed partial class TriggerTargets(ILogger<TriggerTargets> logger)
{
    /// <summary>Bounds memory if metadata keeps changing (each edit of a ScaledObject is a new entry).</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, MetadataParseResult> _parsed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _warned = new(StringComparer.Ordinal);

    /// <summary>Returns the target, or throws <see cref="ScalingException"/> (InvalidArgument) listing every metadata error.</summary>
    public ScaleTarget Parse(ScaledObjectRef scaledObject)
    {
        ArgumentNullException.ThrowIfNull(scaledObject);
        var key = CacheKey(scaledObject.ScalerMetadata);
        if (!_parsed.TryGetValue(key, out var result))
        {
            result = TriggerMetadata.Parse(scaledObject.ScalerMetadata);
            if (_parsed.Count >= MaxEntries)
            {
                _parsed.Clear();
            }

            _parsed[key] = result;
        }

        WarnOnce(scaledObject, result);
        if (result.Target is null)
        {
            LogInvalidMetadata(logger, scaledObject.Namespace, scaledObject.Name, result.ErrorMessage);
            throw new ScalingException(ScalingErrorKind.InvalidArgument, result.ErrorMessage);
        }

        return result.Target;
    }

    private void WarnOnce(ScaledObjectRef scaledObject, MetadataParseResult result)
    {
        if (result.UnknownKeys.Count == 0 && result.IgnoredKeys.Count == 0)
        {
            return;
        }

        foreach (var unknown in result.UnknownKeys)
        {
            if (FirstTime(scaledObject, unknown))
            {
                LogUnknownKey(logger, unknown, scaledObject.Namespace, scaledObject.Name);
            }
        }

        foreach (var ignored in result.IgnoredKeys)
        {
            if (FirstTime(scaledObject, ignored))
            {
                LogIgnoredKey(logger, ignored, scaledObject.Namespace, scaledObject.Name, TriggerMetadata.IgnoredKeys[ignored]);
            }
        }
    }

    private bool FirstTime(ScaledObjectRef scaledObject, string key)
    {
        if (_warned.Count >= MaxEntries)
        {
            _warned.Clear();
        }

        return _warned.TryAdd($"{scaledObject.Namespace}/{scaledObject.Name}/{key}", 0);
    }

    private static string CacheKey(IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            // Length prefixes make the key unambiguous whatever characters the values hold.
            builder.Append(key.Length).Append(':').Append(key).Append(value.Length).Append(':').Append(value);
        }

        return builder.ToString();
    }

    [LoggerMessage(5000, LogLevel.Information, "ScaledObject {Namespace}/{Name}: {Message}")]
    private static partial void LogInvalidMetadata(ILogger logger, string @namespace, string name, string message);

    [LoggerMessage(5001, LogLevel.Warning, "ScaledObject {Namespace}/{Name}: unknown trigger metadata key \"{Key}\" is ignored")]
    private static partial void LogUnknownKey(ILogger logger, string key, string @namespace, string name);

    [LoggerMessage(5002, LogLevel.Information, "ScaledObject {Namespace}/{Name}: trigger metadata key \"{Key}\" is ignored: {Reason}")]
    private static partial void LogIgnoredKey(ILogger logger, string key, string @namespace, string name, string reason);
}
