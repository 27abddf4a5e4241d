using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MeshScaler.Prometheus;

/// <summary>Maps the Prometheus scrape endpoint.</summary>
public static class PrometheusEndpointRouteBuilderExtensions
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Serves the text exposition format 0.0.4 (<c>text/plain; version=0.0.4; charset=utf-8</c>) for GET and HEAD
    /// at <paramref name="pattern"/> (default <c>/metrics</c>). Resolves the collector now, so it listens from
    /// application start rather than from the first scrape.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddPrometheusExposition</c> was not called.</exception>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var collector = endpoints.ServiceProvider.GetService<MetricsCollector>()
            ?? throw new InvalidOperationException(
                "MapPrometheusMetrics needs services.AddPrometheusExposition() to be called when configuring services.");

        RequestDelegate handler = context => WriteMetricsAsync(context, collector);
        return endpoints.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], handler);
    }

    private static async Task WriteMetricsAsync(HttpContext context, MetricsCollector collector)
    {
        var body = Utf8NoBom.GetBytes(collector.Scrape());
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = PrometheusTextWriter.ContentType;
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }
}
