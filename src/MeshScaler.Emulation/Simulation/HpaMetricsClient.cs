using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using MeshScaler.Core;

namespace MeshScaler.Emulation.Simulation;

/// <summary>A metrics API answer the HPA could not use, in the words kube-controller-manager's metrics client uses.</summary>
public sealed class HpaMetricsException(string message) : Exception(message);

/// <summary>
/// The HorizontalPodAutoscaler's metrics client, calling as kube-controller-manager's does
/// (<c>kubernetes/metrics: pkg/client/custom_metrics</c>, <c>external_metrics</c>): the custom metrics version from the
/// group's discovery (its preferredVersion when v1beta2 or v1beta1, else the first known one in its versions, so v1beta2
/// falling back to v1beta1), re-discovered once per sync period; Object metrics must come back as exactly one item, Pods
/// and External metrics as at least one; External metric names lowercased; the wildcard name sent as <c>%2A</c>; every
/// value a Kubernetes quantity, both versions' field names read.
/// </summary>
public sealed class HpaMetricsClient(HttpClient http, TimeProvider time, TimeSpan syncPeriod)
{
    public const string CustomGroup = "custom.metrics.k8s.io";
    public const string ExternalGroup = "external.metrics.k8s.io";

    private static readonly string[] KnownVersions = ["v1beta2", "v1beta1"];

    private (string Version, DateTimeOffset Until)? _version;

    /// <summary>The custom metrics version this client uses now (discovering it when its sync period is over).</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_version is { } cached && now < cached.Until)
        {
            return cached.Version;
        }

        var (code, group) = await GetAsync($"/apis/{CustomGroup}", cancellationToken);
        if (code == 404)
        {
            throw new HpaMetricsException($"no custom metrics API ({CustomGroup}) registered");
        }

        if (code is < 200 or >= 300)
        {
            throw new HpaMetricsException($"unable to discover {CustomGroup}: {Message(code, group)}");
        }

        var preferred = (string?)group?["preferredVersion"]?["version"];
        var version = preferred is not null && KnownVersions.Contains(preferred)
            ? preferred
            : (group?["versions"] as JsonArray)?.Select(v => (string?)v?["version"]).FirstOrDefault(v => v is not null && KnownVersions.Contains(v))
                ?? throw new HpaMetricsException("no known available metric versions found");
        _version = (version, now + syncPeriod);
        return version;
    }

    /// <summary>
    /// An Object metric: <c>…/namespaces/{ns}/{resource.group}/{name}/{metric}</c>, exactly one item, or the error the
    /// HPA reports (FailedGetObjectMetric).
    /// </summary>
    public async Task<double> GetObjectAsync(string @namespace, string groupResource, string name, string metric, string? metricSelector, CancellationToken cancellationToken)
    {
        var version = await VersionAsync(cancellationToken);
        var path = $"/apis/{CustomGroup}/{version}/namespaces/{Escape(@namespace)}/{Escape(groupResource)}/{Escape(name)}/{Escape(metric)}{Query(("metricLabelSelector", metricSelector))}";
        var items = await ItemsAsync(path, "custom metrics", cancellationToken);
        if (items.Count != 1)
        {
            throw new HpaMetricsException($"the custom metrics API server returned {items.Count} results when we asked for exactly one");
        }

        return Value(items[0], version);
    }

    /// <summary>A Pods metric: <c>…/namespaces/{ns}/pods/%2A/{metric}?labelSelector=…</c>, each pod's value by its name.</summary>
    public async Task<IReadOnlyDictionary<string, double>> GetPodsAsync(string @namespace, string metric, string labelSelector, string? metricSelector, CancellationToken cancellationToken)
    {
        var version = await VersionAsync(cancellationToken);
        var path = $"/apis/{CustomGroup}/{version}/namespaces/{Escape(@namespace)}/pods/%2A/{Escape(metric)}{Query(("labelSelector", labelSelector), ("metricLabelSelector", metricSelector))}";
        var items = await ItemsAsync(path, "custom metrics", cancellationToken);
        if (items.Count == 0)
        {
            throw new HpaMetricsException("no metrics returned from custom metrics API");
        }

        return items.ToDictionary(i => (string?)i["describedObject"]?["name"] ?? string.Empty, i => Value(i, version), StringComparer.Ordinal);
    }

    /// <summary>An External metric: always v1beta1, the name lowercased, the values of every item summed.</summary>
    public async Task<double> GetExternalAsync(string @namespace, string metric, string selector, CancellationToken cancellationToken)
    {
        var path = $"/apis/{ExternalGroup}/v1beta1/namespaces/{Escape(@namespace)}/{Escape(metric.ToLowerInvariant())}{Query(("labelSelector", selector))}";
        var items = await ItemsAsync(path, "external metrics", cancellationToken);
        return items.Count == 0 ? throw new HpaMetricsException("no metrics returned from external metrics API") : items.Sum(i => Value(i, "v1beta1"));
    }

    private async Task<IReadOnlyList<JsonNode>> ItemsAsync(string path, string api, CancellationToken cancellationToken)
    {
        var (code, body) = await GetAsync(path, cancellationToken);
        if (code is < 200 or >= 300)
        {
            throw new HpaMetricsException($"unable to fetch metrics from {api} API: {Message(code, body)}");
        }

        return body?["items"] is JsonArray items ? [.. items.Where(i => i is not null).Select(i => i!)] : throw new HpaMetricsException($"the {api} API answered without items");
    }

    private async Task<(int Code, JsonNode? Body)> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
        }
        catch (JsonException ex)
        {
            throw new HpaMetricsException($"{path}: HTTP {(int)response.StatusCode} with a body that is not JSON: {ex.Message}");
        }
    }

    /// <summary>An item's value: a quantity, in either version's item.</summary>
    private static double Value(JsonNode item, string version)
    {
        var text = (string?)item["value"] ?? throw new HpaMetricsException($"a {version} item without a value: {item.ToJsonString()}");
        return KubernetesQuantity.TryParse(text, out var value, out var error)
            ? (double)value
            : throw new HpaMetricsException($"a {version} item's value \"{text}\" is not a quantity: {error}");
    }

    private static string Message(int code, JsonNode? body) => $"HTTP {code}: {(string?)body?["message"] ?? body?.ToJsonString() ?? "no body"}";

    /// <summary>A path segment as client-go writes it: the wildcard <c>*</c> as <c>%2A</c>, like every reserved character.</summary>
    private static string Escape(string segment) => Uri.EscapeDataString(segment).Replace("*", "%2A", StringComparison.Ordinal);

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? string.Empty : "?" + string.Join("&", present);
    }
}
