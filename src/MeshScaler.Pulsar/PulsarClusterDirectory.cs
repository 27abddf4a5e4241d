using MeshScaler.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshScaler.Pulsar;

/// <summary>
/// The clusters MeshScaler may call. With clusters configured, a ScaledObject can only reach those (by
/// <c>pulsarCluster</c> name or by an <c>adminURL</c> equal to a configured one), so a ScaledObject author cannot point
/// the scaler, and its credentials, at an arbitrary host. With none configured any http(s) URL is called without credentials.
/// </summary>
internal sealed partial class PulsarClusterDirectory : IPulsarClusterResolver
{
    private readonly Dictionary<string, PulsarClusterRef> _byName;
    private readonly Dictionary<string, PulsarClusterRef> _byUrlKey;
    private readonly ILogger<PulsarClusterDirectory> _logger;
    private readonly string _configuredList;
    private int _warned;

    public PulsarClusterDirectory(IOptions<PulsarOptions> options, ILogger<PulsarClusterDirectory> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        _byName = new Dictionary<string, PulsarClusterRef>(StringComparer.OrdinalIgnoreCase);
        _byUrlKey = new Dictionary<string, PulsarClusterRef>(StringComparer.Ordinal);
        foreach (var (name, cluster) in options.Value.Clusters)
        {
            // The validator has refused bad URLs at start; skip defensively rather than crash if it was bypassed.
            if (cluster is null || !AdminUrls.TryParse(cluster.AdminUrl, out var url, out _))
            {
                continue;
            }

            var reference = new PulsarClusterRef(name, AdminUrls.Normalize(url));
            _byName[name] = reference;
            _byUrlKey.TryAdd(AdminUrls.Key(url), reference);
        }

        ClusterNames = [.. _byName.Keys.Order(StringComparer.Ordinal)];
        _configuredList = string.Join(", ", ClusterNames);
    }

    public bool HasConfiguredClusters => _byName.Count > 0;

    /// <summary>The configured cluster names, in order; fixed at construction.</summary>
    public IReadOnlyList<string> ClusterNames { get; }

    /// <summary>Logs, once per process, that any admin URL will be called when no cluster is configured.</summary>
    public void WarnIfUnconfigured()
    {
        if (!HasConfiguredClusters && Interlocked.Exchange(ref _warned, 1) == 0)
        {
            LogNoClustersConfigured(_logger);
        }
    }

    public PulsarClusterRef Resolve(Uri? adminUrl, string? clusterName)
    {
        var name = string.IsNullOrWhiteSpace(clusterName) ? null : clusterName.Trim();
        if (!HasConfiguredClusters)
        {
            return ResolveUnconfigured(adminUrl, name);
        }

        var configured = _configuredList;
        if (name is not null)
        {
            if (!_byName.TryGetValue(name, out var byName))
            {
                throw Invalid($"pulsarCluster '{name}' is not configured; configured clusters: {configured}");
            }

            if (adminUrl is not null && !(AdminUrls.IsHttp(adminUrl) && AdminUrls.Key(adminUrl) == AdminUrls.Key(byName.AdminUrl)))
            {
                throw Invalid(
                    $"adminURL \"{AdminUrls.Display(adminUrl)}\" does not match pulsarCluster '{byName.Name}' " +
                    $"(its adminURL is \"{AdminUrls.Display(byName.AdminUrl)}\"); give one of them, or both agreeing");
            }

            return byName;
        }

        if (adminUrl is null)
        {
            throw Invalid($"pulsarCluster or adminURL is required; configured clusters: {configured}");
        }

        if (AdminUrls.IsHttp(adminUrl) && _byUrlKey.TryGetValue(AdminUrls.Key(adminUrl), out var byUrl))
        {
            return byUrl;
        }

        throw Invalid(
            $"adminURL \"{AdminUrls.Display(adminUrl)}\" is not a configured cluster; " +
            $"name one with pulsarCluster or use a configured adminURL; configured clusters: {configured}");
    }

    private static PulsarClusterRef ResolveUnconfigured(Uri? adminUrl, string? name)
    {
        if (name is not null)
        {
            throw Invalid($"pulsarCluster '{name}' is not configured; no Pulsar clusters are configured, use adminURL");
        }

        if (adminUrl is null)
        {
            throw Invalid("adminURL is required (no Pulsar clusters are configured to select with pulsarCluster)");
        }

        if (!AdminUrls.IsHttp(adminUrl))
        {
            throw Invalid($"adminURL \"{AdminUrls.Display(adminUrl)}\" must be an absolute http or https URL");
        }

        if (adminUrl.Query.Length > 0)
        {
            throw Invalid($"adminURL \"{AdminUrls.Display(adminUrl)}\" must not have a query string");
        }

        var normalized = AdminUrls.Normalize(adminUrl);
        return new PulsarClusterRef(AdminUrls.Display(normalized), normalized);
    }

    private static ScalingException Invalid(string message) => new(ScalingErrorKind.InvalidArgument, message);
}
