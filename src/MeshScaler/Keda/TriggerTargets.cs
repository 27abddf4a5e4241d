using System.Collections.Concurrent;
using MeshScaler.Core;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Keda;

/// <summary>
/// Parses a ScaledObject's trigger metadata into a <see cref="ScaleTarget"/>, once per ScaledObject and metadata: KEDA
/// sends the same map on every call. The cache is keyed by the request itself (<see cref="ScaledObjectComparer"/>), so
/// a hit builds no key. Unknown and ignored keys are logged when a ScaledObject's metadata is first seen,
/// so a call that hits the cache does nothing but one lookup.
/// </summary>
internal sealed partial class TriggerTargets(IFunctionDirectory functions, IPulsarClusterResolver clusters, ILogger<TriggerTargets> logger)
{
    /// <summary>
    /// Bounds memory if metadata keeps changing (each edit of a ScaledObject is a new entry). The same bound as the
    /// per-target series on /metrics, one per trigger.
    /// </summary>
    internal const int MaxEntries = Engine.EngineMetrics.DefaultMaxTargetSeries;

    private readonly ConcurrentDictionary<ScaledObjectRef, MetadataParseResult> _parsed = new(ScaledObjectComparer.Instance);

    /// <summary>
    /// ConfigMap admin URLs already found to be configured clusters, by instance: the clusters are fixed at start, and a
    /// resource's URL stays one instance until its ConfigMap changes, so a read does not match it again.
    /// </summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Uri, Uri> _allowedUrls = new();

    /// <summary>Returns the target, or throws <see cref="ScalingException"/> (InvalidArgument) listing every metadata error.</summary>
    public ScaleTarget Parse(ScaledObjectRef scaledObject)
    {
        ArgumentNullException.ThrowIfNull(scaledObject);
        if (!_parsed.TryGetValue(scaledObject, out var result))
        {
            result = TriggerMetadata.Parse(scaledObject.ScalerMetadata);
            if (_parsed.Count >= MaxEntries)
            {
                _parsed.Clear();
            }

            // Two first calls at once may both log: a rare duplicate line, never a lock on every call.
            // A copy: the request message belongs to its call.
            if (_parsed.TryAdd(scaledObject.Clone(), result))
            {
                WarnUnusedKeys(scaledObject, result);
            }
        }

        if (result.Function is { } function)
        {
            return Resolve(scaledObject.Namespace, function);
        }

        if (result.Target is null)
        {
            LogInvalidMetadata(logger, scaledObject.Namespace, scaledObject.Name, result.ErrorMessage);
            throw new ScalingException(ScalingErrorKind.InvalidArgument, result.ErrorMessage);
        }

        return result.Target;
    }

    /// <summary>
    /// A <c>function:</c> trigger, from the watched resource in the ScaledObject's namespace: a changed resource is
    /// read on the next call, with no restart. The admin URL found in its ConfigMap must be a configured cluster.
    /// </summary>
    /// <remarks>Also the metrics API's way in, with the namespace of the request and a trigger it parsed once.</remarks>
    public ScaleTarget Resolve(string? @namespace, FunctionTrigger function)
    {
        if (string.IsNullOrEmpty(@namespace))
        {
            throw new ScalingException(ScalingErrorKind.InvalidArgument, $"function: {function.Name} needs the ScaledObject's namespace, and the request has none");
        }

        var facts = functions.Resolve(function.In(@namespace));
        var target = function.Resolve(facts);
        if (target.ClusterName is null && target.AdminUrl is { } url && url == facts.AdminUrl && !_allowedUrls.TryGetValue(url, out _))
        {
            try
            {
                clusters.Resolve(url, null);
                _allowedUrls.AddOrUpdate(url, url);
            }
            catch (ScalingException ex)
            {
                throw new ScalingException(
                    ScalingErrorKind.InvalidArgument,
                    $"{facts.Function}: the webServiceURL {url} of its pulsarConfig ConfigMap is not a cluster MeshScaler may use ({ex.Message}); configure it under MeshScaler:Pulsar:Clusters, or set pulsarCluster",
                    ex);
            }
        }

        return target;
    }

    private void WarnUnusedKeys(ScaledObjectRef scaledObject, MetadataParseResult result)
    {
        foreach (var unknown in result.UnknownKeys)
        {
            LogUnknownKey(logger, unknown, scaledObject.Namespace, scaledObject.Name);
        }

        foreach (var ignored in result.IgnoredKeys)
        {
            LogIgnoredKey(logger, ignored, scaledObject.Namespace, scaledObject.Name, TriggerMetadata.IgnoredKeys[ignored]);
        }
    }

    [LoggerMessage(5000, LogLevel.Information, "ScaledObject {Namespace}/{Name}: {Message}")]
    private static partial void LogInvalidMetadata(ILogger logger, string @namespace, string name, string message);

    [LoggerMessage(5001, LogLevel.Warning, "ScaledObject {Namespace}/{Name}: unknown trigger metadata key \"{Key}\" is ignored")]
    private static partial void LogUnknownKey(ILogger logger, string key, string @namespace, string name);

    [LoggerMessage(5002, LogLevel.Information, "ScaledObject {Namespace}/{Name}: trigger metadata key \"{Key}\" is ignored: {Reason}")]
    private static partial void LogIgnoredKey(ILogger logger, string key, string @namespace, string name, string reason);
}
