namespace MeshScaler.Prometheus.Tests;

public sealed class PrometheusNamingTests
{
    public static TheoryData<string, string, string?, string, string> MetricNames => new()
    {
        { "dots become underscores", "meshscaler.scale.decisions", null, "Gauge", "meshscaler_scale_decisions" },
        { "invalid characters become underscores", "http-requests/sec é", null, "Gauge", "http_requests_sec__" },
        { "colon is kept", "job:rate5m", null, "Gauge", "job:rate5m" },
        { "leading digit gets a prefix", "2xx", null, "Gauge", "_2xx" },
        { "counter gets _total", "requests", null, "Counter", "requests_total" },
        { "counter _total not doubled", "requests_total", null, "Counter", "requests_total" },
        { "counter .total not doubled", "requests.total", null, "Counter", "requests_total" },
        { "gauge keeps _total as is", "requests_total", null, "Gauge", "requests_total" },
        { "unit s adds _seconds", "request.duration", "s", "Histogram", "request_duration_seconds" },
        { "_seconds not doubled", "request.duration.seconds", "s", "Histogram", "request_duration_seconds" },
        { "counter in seconds: unit before _total", "busy.time", "s", "Counter", "busy_time_seconds_total" },
        { "counter in seconds already _total", "busy_time_total", "s", "Counter", "busy_time_seconds_total" },
        { "other units add nothing", "payload.size", "By", "Gauge", "payload_size" },
        { "unit ms is not seconds", "latency", "ms", "Gauge", "latency" },
    };

    public static TheoryData<string, string, string> LabelNames => new()
    {
        { "valid name unchanged", "function", "function" },
        { "dots and dashes", "http.status-code", "http_status_code" },
        { "colon is not allowed in labels", "a:b", "a_b" },
        { "leading digit", "9lives", "_9lives" },
        { "reserved double underscore", "__name__", "_name__" },
        { "only underscores", "___", "_" },
        { "empty", "", "_" },
    };

    [Theory]
    [MemberData(nameof(MetricNames))]
    public void MetricName_Case_Expected(string scenario, string instrument, string? unit, string type, string expected)
    {
        Assert.True(expected == PrometheusNaming.MetricName(instrument, unit, Enum.Parse<MetricType>(type)), scenario);
    }

    [Theory]
    [MemberData(nameof(LabelNames))]
    public void LabelName_Case_Expected(string scenario, string tag, string expected)
    {
        Assert.True(expected == PrometheusNaming.LabelName(tag), scenario);
    }
}
