using System.Globalization;
using MeshScaler.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshScaler.Pulsar;

/// <summary>
/// <see cref="IPulsarAdmin"/> over Pulsar's admin REST API (v2). One <see cref="PulsarClusterConnection"/> per cluster,
/// created on first use. Every failure is a <see cref="ScalingException"/> naming the cluster and the URL path.
/// With no clusters configured, any adminURL a ScaledObject names gets a connection: those are disposed after
/// <see cref="IdleEviction"/> without use and capped at <see cref="MaxAdHocConnections"/>, so a stream of distinct
/// URLs cannot grow memory without bound. Connections of configured clusters live as long as the client.
/// </summary>
internal sealed partial class PulsarAdminClient : IPulsarAdmin, IDisposable
{

    /// <summary>Most connections to unconfigured clusters held at once.</summary>
    internal const int MaxAdHocConnections = 64;

    /// <summary>An unconfigured cluster's connection not used for this long is disposed (checked on the next access).</summary>
    internal static readonly TimeSpan IdleEviction = TimeSpan.FromMinutes(10);

    private readonly PulsarOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PulsarAdminClient> _logger;
    private readonly PulsarResilienceSettings _settings;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (PulsarClusterConnection Connection, bool Configured)> _connections = new(StringComparer.Ordinal);
    private bool _disposed;

    public PulsarAdminClient(IOptions<PulsarOptions> options, TimeProvider timeProvider, ILogger<PulsarAdminClient> logger)
        : this(options, timeProvider, logger, PulsarResilienceSettings.Default)
    {
    }

    internal PulsarAdminClient(
        IOptions<PulsarOptions> options, TimeProvider timeProvider, ILogger<PulsarAdminClient> logger, PulsarResilienceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _settings = settings;
    }

    public async Task<int> GetPartitionCountAsync(PulsarClusterRef cluster, TopicName topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(topic);
        var body = await Connection(cluster).GetAsync($"/admin/v2/{topic.AdminPath}/partitions", cancellationToken);
        return Parse(() => PulsarStatsParser.ParsePartitionCount(body, $"cluster '{cluster.Name}': invalid partition metadata for {topic.FullName}"));
    }

    public async Task<TopicStats> GetTopicStatsAsync(
        PulsarClusterRef cluster, TopicName topic, int partitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(topic);
        if (partitions < 0)
        {
            throw new ScalingException(
                ScalingErrorKind.InvalidArgument, $"partition count of {topic.FullName} must not be negative (was {partitions})");
        }

        var connection = Connection(cluster);
        if (partitions == 0)
        {
            var stats = await GetStatsAsync(connection, cluster, topic, cancellationToken);
            return TopicStatsAggregator.FromTopic(stats);
        }

        // perPartition=true is Pulsar's default; sent explicitly because the missing-partition check depends on it.
        var body = await connection.GetAsync($"/admin/v2/{topic.AdminPath}/partitioned-stats?perPartition=true&getEarliestTimeInBacklog=true", cancellationToken);
        var partitioned = Parse(() => PulsarStatsParser.ParsePartitionedStats(body, $"cluster '{cluster.Name}': invalid stats for {topic.FullName}"));
        var count = partitioned.MetadataPartitions ?? partitions;
        var missing = Enumerable.Range(0, count)
            .Where(i => !partitioned.Partitions.ContainsKey(topic.Partition(i).FullName))
            .ToList();
        var filled = Array.Empty<ParsedTopicStats>();
        if (missing.Count > 0)
        {
            LogMissingPartitions(_logger, cluster.Name, topic.FullName, missing.Count, count);
            try
            {
                filled = await Task.WhenAll(missing.Select(i => GetStatsAsync(connection, cluster, topic.Partition(i), cancellationToken)));
            }
            catch (ScalingException ex)
            {
                throw new ScalingException(
                    ex.Kind,
                    $"cluster '{cluster.Name}': partitioned stats of {topic.FullName} lack {missing.Count} of {count} partitions " +
                    $"and fetching them failed: {ex.Message}",
                    ex)
                { IsTransient = ex.IsTransient };
            }
        }

        return TopicStatsAggregator.FromPartitioned(partitioned, count, filled);
    }

    public async Task<IReadOnlyDictionary<TopicName, int>> ListTopicsAsync(
        PulsarClusterRef cluster, string tenant, string @namespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (!IsSegment(tenant) || !IsSegment(@namespace))
        {
            throw new ScalingException(
                ScalingErrorKind.InvalidArgument, $"namespace \"{tenant}/{@namespace}\" must be tenant/namespace, each non-empty and without '/'");
        }

        var connection = Connection(cluster);
        var basePath = $"/admin/v2/persistent/{Uri.EscapeDataString(tenant)}/{Uri.EscapeDataString(@namespace)}";
        var bodies = await Task.WhenAll(
            connection.GetAsync(basePath, cancellationToken),
            connection.GetAsync($"{basePath}/partitioned", cancellationToken));
        var context = $"cluster '{cluster.Name}': invalid topic list for namespace {tenant}/{@namespace}";
        var all = Parse(() => PulsarStatsParser.ParseStringArray(bodies[0], context));
        var partitioned = Parse(() => PulsarStatsParser.ParseStringArray(bodies[1], context))
            .Select(name => ParseListed(name, context))
            .ToHashSet();

        var result = partitioned.ToDictionary(topic => topic, _ => 0);
        foreach (var name in all)
        {
            var topic = ParseListed(name, context);
            if (topic.TryGetPartition(out var parent, out var index) && partitioned.Contains(parent))
            {
                result[parent] = Math.Max(result[parent], index + 1);
            }
            else
            {
                result.TryAdd(topic, 0);
            }
        }

        // A partitioned topic whose partitions are not listed (yet) still has a partition count: ask for it.
        foreach (var topic in partitioned.Where(t => result[t] == 0).ToList())
        {
            result[topic] = await GetPartitionCountAsync(cluster, topic, cancellationToken);
        }

        return result;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var (connection, _) in _connections.Values)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    private static async Task<ParsedTopicStats> GetStatsAsync(
        PulsarClusterConnection connection, PulsarClusterRef cluster, TopicName topic, CancellationToken cancellationToken)
    {
        var body = await connection.GetAsync($"/admin/v2/{topic.AdminPath}/stats?getEarliestTimeInBacklog=true", cancellationToken);
        return PulsarStatsParser.ParseTopicStats(body, $"cluster '{cluster.Name}': invalid stats for {topic.FullName}");
    }

    private T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ScalingException ex)
        {
            LogInvalidPayload(_logger, ex.Message);
            throw;
        }
    }

    private static TopicName ParseListed(string name, string context) =>
        TopicName.TryParse(name, out var topic, out var error)
            ? topic
            : throw new ScalingException(ScalingErrorKind.Unavailable, $"{context}: \"{name}\" {error}");

    private static bool IsSegment(string? value) =>
        !string.IsNullOrWhiteSpace(value) && !value.Contains('/', StringComparison.Ordinal);

    /// <summary>Connections currently held; for tests.</summary>
    internal int ConnectionCount
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    private PulsarClusterConnection Connection(PulsarClusterRef cluster)
    {
        var key = $"{cluster.Name}\n{AdminUrls.Key(cluster.AdminUrl)}";
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            EvictIdle();
            if (_connections.TryGetValue(key, out var existing))
            {
                existing.Connection.Touch();
                return existing.Connection;
            }

            var options = ClusterOptions(cluster);
            var configured = options is not null;
            if (!configured && _connections.Values.Count(c => !c.Configured) >= MaxAdHocConnections)
            {
                throw new ScalingException(
                    ScalingErrorKind.InvalidArgument,
                    $"cluster '{cluster.Name}' at \"{AdminUrls.Display(cluster.AdminUrl)}\": too many distinct adminURLs " +
                    $"({MaxAdHocConnections}) in use while no Pulsar clusters are configured; configure {PulsarOptions.SectionName}:Clusters");
            }

            var connection = new PulsarClusterConnection(cluster, options, _options, _settings, _timeProvider, _logger);
            _connections.Add(key, (connection, configured));
            return connection;
        }
    }

    /// <summary>Disposes unconfigured clusters' connections idle for <see cref="IdleEviction"/>; call under the gate.</summary>
    private void EvictIdle()
    {
        var cutoff = _timeProvider.GetUtcNow() - IdleEviction;
        List<string>? idle = null;
        foreach (var (key, entry) in _connections)
        {
            if (!entry.Configured && entry.Connection.IsIdleSince(cutoff))
            {
                (idle ??= []).Add(key);
            }
        }

        if (idle is null)
        {
            return;
        }

        foreach (var key in idle)
        {
            _connections.Remove(key, out var entry);
            entry.Connection.Dispose();
        }

        LogConnectionsEvicted(_logger, idle.Count, IdleEviction.TotalMinutes);
    }

    /// <summary>
    /// The configured options for <paramref name="cluster"/>, or null (no credentials) when none are configured.
    /// Credentials are only ever sent to the configured admin URL of their own cluster.
    /// </summary>
    private PulsarClusterOptions? ClusterOptions(PulsarClusterRef cluster)
    {
        if (!AdminUrls.IsHttp(cluster.AdminUrl))
        {
            throw new ScalingException(
                ScalingErrorKind.InvalidArgument, $"cluster '{cluster.Name}': admin URL must be an absolute http or https URL");
        }

        if (_options.Clusters.Count == 0)
        {
            return null;
        }

        if (_options.Clusters.TryGetValue(cluster.Name, out var options)
            && options is not null
            && AdminUrls.TryParse(options.AdminUrl, out var configured, out _)
            && AdminUrls.Key(configured) == AdminUrls.Key(cluster.AdminUrl))
        {
            return options;
        }

        throw new ScalingException(
            ScalingErrorKind.InvalidArgument,
            $"cluster '{cluster.Name}' at \"{AdminUrls.Display(cluster.AdminUrl)}\" is not a configured cluster");
    }
}
