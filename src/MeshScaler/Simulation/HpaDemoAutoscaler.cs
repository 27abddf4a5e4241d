using System.Net.Http.Headers;
using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Simulation;

/// <summary>
/// The Function Mesh operator's HPA without KEDA: every sync period it reads the Object metric
/// <c>meshscaler_replicas_needed</c> on the Function from MeshScaler's metrics API over real HTTPS with a bearer token,
/// through <see cref="HpaMetricsClient"/> (as kube-controller-manager's metrics client calls), and scales to its ceiling
/// (target <c>AverageValue: 1</c>), never below one replica.
/// </summary>
internal sealed class HpaDemoAutoscaler : IDemoAutoscaler
{
    public const string Metric = "meshscaler_replicas_needed";

    private readonly HttpClient _http;
    private readonly HpaMetricsClient _metrics;
    private readonly HpaController _hpa;
    private readonly string _namespace;
    private readonly string _function;
    private string _last = "-";

    public HpaDemoAutoscaler(Uri metricsApi, string token, string @namespace, string function, HpaController hpa, TimeSpan syncPeriod)
    {
        // The demo's API has a self-signed certificate made at start; the aggregator would verify a real one (caBundle).
        _http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true } })
        {
            BaseAddress = metricsApi,
            Timeout = TimeSpan.FromSeconds(10),
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _metrics = new HpaMetricsClient(_http, TimeProvider.System, syncPeriod);
        _hpa = hpa;
        _namespace = @namespace;
        _function = function;
    }

    public string Title => $"{_function} (the operator's HPA on {Metric}, no KEDA)";

    /// <summary>The last value read, in the "active" column: what the HPA saw.</summary>
    public string Active => _last;

    public async Task ControlAsync(TimeSpan elapsed, DateTimeOffset now, FunctionModel model, Lock gate, CancellationToken cancellationToken)
    {
        if (!ControllerPhases.IsDue(elapsed, _hpa.Settings.SyncPeriod, TimeSpan.Zero))
        {
            return;
        }

        double value;
        try
        {
            value = await _metrics.GetObjectAsync(_namespace, "functions.compute.functionmesh.io", _function, Metric, null, cancellationToken);
        }
        catch (HpaMetricsException ex) when (ex.Message.StartsWith("unable to fetch metrics", StringComparison.Ordinal))
        {
            // As the HPA: FailedGetObjectMetric, nothing changes; the first reads come before the first poll.
            _last = "n/a";
            return;
        }

        _last = value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
        lock (gate)
        {
            var proposal = HpaFormulas.AverageValue(value, 1, model.Requested);
            model.SetReplicas(_hpa.Decide(now, model.Requested, proposal), now);
        }
    }

    public void Dispose() => _http.Dispose();
}
