using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Prometheus.Tests;

/// <summary>The endpoint on a real Kestrel bound to 127.0.0.1, port 0.</summary>
public sealed class PrometheusEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Get_CounterIncremented_200WithContentTypeAndValue()
    {
        var prefix = $"MeshScalerTest.{Guid.NewGuid():N}";
        await using var app = await StartAsync(prefix, "/metrics");
        using var meter = new Meter(prefix);
        var counter = meter.CreateCounter<long>("meshscaler.test.requests", description: "Test requests.");
        counter.Add(41, new KeyValuePair<string, object?>("route", "/a"));
        counter.Add(1, new KeyValuePair<string, object?>("route", "/a"));
        using var client = CreateClient(app);

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative)).WaitAsync(Timeout);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("# HELP meshscaler_test_requests_total Test requests.\n", body, StringComparison.Ordinal);
        Assert.Contains("meshscaler_test_requests_total{route=\"/a\"} 42\n", body, StringComparison.Ordinal);
        Assert.Empty(ExpositionChecker.Check(body));
    }

    [Fact]
    public async Task Head_Metrics_200WithHeadersAndNoBody()
    {
        var prefix = $"MeshScalerTest.{Guid.NewGuid():N}";
        await using var app = await StartAsync(prefix, "/metrics");
        using var meter = new Meter(prefix);
        meter.CreateCounter<int>("head.test").Add(1);
        using var client = CreateClient(app);

        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri("/metrics", UriKind.Relative));
        using var response = await client.SendAsync(request).WaitAsync(Timeout);
        var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("# TYPE head_test_total counter\nhead_test_total 1\n".Length, response.Content.Headers.ContentLength);
        Assert.Empty(body);
    }

    [Fact]
    public async Task Post_Metrics_MethodNotAllowed()
    {
        await using var app = await StartAsync($"MeshScalerTest.{Guid.NewGuid():N}", "/metrics");
        using var client = CreateClient(app);
        using var content = new StringContent(string.Empty);

        using var response = await client.PostAsync(new Uri("/metrics", UriKind.Relative), content).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Get_CustomPattern_Served()
    {
        await using var app = await StartAsync($"MeshScalerTest.{Guid.NewGuid():N}", "/internal/prom");
        using var client = CreateClient(app);

        using var response = await client.GetAsync(new Uri("/internal/prom", UriKind.Relative)).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task MapPrometheusMetrics_WithoutAddPrometheusExposition_ThrowsNamingTheFix()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapPrometheusMetrics());

        Assert.Contains("AddPrometheusExposition", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync(string prefix, string pattern)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddPrometheusExposition(o => o.MeterNamePrefix = prefix);
        var app = builder.Build();
        app.MapPrometheusMetrics(pattern);
        await app.StartAsync().WaitAsync(Timeout);
        return app;
    }

    private static HttpClient CreateClient(WebApplication app) =>
        new() { BaseAddress = new Uri(app.Urls.Single()), Timeout = Timeout };
}
