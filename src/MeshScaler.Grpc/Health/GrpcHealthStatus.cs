using Microsoft.Extensions.Logging;

namespace MeshScaler.Grpc.Health;

/// <summary>
/// The statuses <c>grpc.health.v1.Health</c> reports, per service name. The overall status (service <c>""</c>) is
/// NotServing until the host has started, then Serving unless the host set it itself. Once the host stops, every
/// status turns NotServing and later changes are ignored (as in grpc-go's health server). Thread-safe.
/// </summary>
public sealed class GrpcHealthStatus
{
    /// <summary>The service name of the server's overall health.</summary>
    public const string OverallService = "";

    private readonly object _gate = new();
    private readonly Dictionary<string, GrpcServingStatus> _statuses = new(StringComparer.Ordinal)
    {
        [OverallService] = GrpcServingStatus.NotServing,
    };

    private readonly ILogger _logger;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _overallSetByHost;
    private bool _stopping;

    internal GrpcHealthStatus(ILogger logger)
    {
        _logger = logger;
    }

    /// <summary>Sets the status of <paramref name="service"/> (adding it if new); Watch streams see the change.</summary>
    public void SetStatus(string service, GrpcServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            if (service.Length == 0)
            {
                _overallSetByHost = true;
            }

            SetLocked(service, status);
        }
    }

    /// <summary>Forgets <paramref name="service"/>: Check answers NOT_FOUND, Watch SERVICE_UNKNOWN. The overall status cannot be cleared.</summary>
    public bool ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service.Length == 0)
        {
            throw new ArgumentException("The overall status (\"\") cannot be cleared; set it instead.", nameof(service));
        }

        lock (_gate)
        {
            if (_stopping || !_statuses.Remove(service))
            {
                return false;
            }

            SignalLocked();
            return true;
        }
    }

    public bool TryGetStatus(string service, out GrpcServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            return _statuses.TryGetValue(service, out status);
        }
    }

    internal void MarkStarted()
    {
        lock (_gate)
        {
            if (!_overallSetByHost)
            {
                SetLocked(OverallService, GrpcServingStatus.Serving);
            }
        }
    }

    internal void MarkStopping()
    {
        lock (_gate)
        {
            foreach (var service in _statuses.Keys.ToList())
            {
                SetLocked(service, GrpcServingStatus.NotServing);
            }

            _stopping = true;
        }
    }

    /// <summary>The current status (null when unknown) and a task that completes at the next change of any status.</summary>
    internal (GrpcServingStatus? Status, Task Changed) Snapshot(string service)
    {
        lock (_gate)
        {
            return (_statuses.TryGetValue(service, out var status) ? status : null, _changed.Task);
        }
    }

    private void SetLocked(string service, GrpcServingStatus status)
    {
        if (_stopping || (_statuses.TryGetValue(service, out var current) && current == status))
        {
            return;
        }

        _statuses[service] = status;
        GrpcServerLog.HealthStatusChanged(_logger, service, status);
        SignalLocked();
    }

    private void SignalLocked()
    {
        // One shared signal for all watchers: a change wakes each Watch once, with no per-stream timers or threads.
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
