using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using MeshScaler.FunctionalTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>
/// A second custom metrics adapter (the prometheus-adapter a cluster already had), over HTTPS on loopback: it requires a
/// client certificate, records each request with its identity headers, and answers a Pods metric, an Object metric on
/// a Deployment, discovery, and 404 Statuses for anything else.
/// </summary>
internal sealed class FakeMetricsAdapter : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Seen> _requests = [];
    private readonly List<Seen> _discoveries = [];
    private readonly Lock _gate = new();

    private FakeMetricsAdapter(WebApplication app, TestCertificates certificates)
    {
        _app = app;
        Certificates = certificates;
    }

    public TestCertificates Certificates { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The metric requests (forwarded calls), in order.</summary>
    public IReadOnlyList<Seen> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The discovery requests (<c>/apis/{group}/{version}</c>), which MeshScaler makes in the background.</summary>
    public IReadOnlyList<Seen> Discoveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _discoveries];
            }
        }
    }

    /// <summary>Discovery documents that are valid JSON but malformed discovery (see <see cref="HandleAsync"/>).</summary>
    public bool BrokenDiscovery { get; set; }

    /// <summary>When set, discovery requests are answered only once it completes: an adapter that hangs.</summary>
    public TaskCompletionSource? HoldDiscovery { get; set; }

    public static async Task<FakeMetricsAdapter> StartAsync()
    {
        var certificates = new TestCertificates();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = X509CertificateLoader.LoadPkcs12(certificates.ServerCertificate.Export(X509ContentType.Pkcs12), null),
            ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate,
            ClientCertificateValidation = static (_, _, _) => true,
        })));
        var app = builder.Build();
        var adapter = new FakeMetricsAdapter(app, certificates);
        app.Run(adapter.HandleAsync);
        await app.StartAsync();
        adapter.BaseAddress = new Uri(app.Urls.First());
        return adapter;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificates.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var discovery = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Length <= 3;
        lock (_gate)
        {
            (discovery ? _discoveries : _requests).Add(new Seen(
                context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget,
                context.Connection.ClientCertificate?.Subject,
                context.Request.Headers["X-Remote-User"].ToString(),
                context.Request.Headers["X-Remote-Uid"].ToString(),
                [.. context.Request.Headers["X-Remote-Group"].Select(g => g!)],
                context.Request.Headers.Where(h => h.Key.StartsWith("X-Remote-Extra-", StringComparison.OrdinalIgnoreCase)).ToDictionary(h => h.Key, h => h.Value.ToString())));
        }

        if (discovery && HoldDiscovery is { } hold)
        {
            await hold.Task;
        }

        if (discovery && BrokenDiscovery)
        {
            // Valid JSON that a careless reader trips on: a number for a name, a duplicate key, a string for a resource.
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"kind":"APIResourceList","apiVersion":"v1","resources":[{"name":1},{"name":"pods/x","name":"pods/y"},"text",null,{"name":"pods/well_formed","singularName":"","namespaced":true,"kind":"MetricValueList","verbs":["get"]}]}""");
            return;
        }

        context.Response.ContentType = "application/json";
        if (path.EndsWith("/short_body", StringComparison.Ordinal))
        {
            // Promises more than it sends, then ends: Kestrel aborts the connection after the short body, as a broken
            // or malicious adapter would.
            context.Response.ContentLength = 1000;
            await context.Response.WriteAsync("{\"kind\":\"MetricValueList\"");
            return;
        }

        JsonObject body;
        if (path == "/apis/custom.metrics.k8s.io/v1beta2")
        {
            body = new JsonObject
            {
                ["kind"] = "APIResourceList",
                ["apiVersion"] = "v1",
                ["groupVersion"] = "custom.metrics.k8s.io/v1beta2",
                ["resources"] = new JsonArray(
                    new JsonObject { ["name"] = "pods/http_requests_per_second", ["singularName"] = string.Empty, ["namespaced"] = true, ["kind"] = "MetricValueList", ["verbs"] = new JsonArray("get") }),
            };
        }
        else if (path.EndsWith("/http_requests_per_second", StringComparison.Ordinal) || path.EndsWith("/queue_depth", StringComparison.Ordinal))
        {
            body = new JsonObject
            {
                ["kind"] = "MetricValueList",
                ["apiVersion"] = "custom.metrics.k8s.io/v1beta2",
                ["metadata"] = new JsonObject(),
                ["items"] = new JsonArray(new JsonObject
                {
                    ["describedObject"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = "demo", ["name"] = "express-0", ["apiVersion"] = "v1" },
                    ["metric"] = new JsonObject { ["name"] = path[(path.LastIndexOf('/') + 1)..], ["selector"] = null },
                    ["timestamp"] = "2026-12-03T00:00:00Z",
                    ["value"] = "42",
                }),
            };
        }
        else
        {
            context.Response.StatusCode = 404;
            body = new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["reason"] = "NotFound", ["code"] = 404, ["message"] = $"the upstream adapter has no {path}" };
        }

        await context.Response.WriteAsync(body.ToJsonString());
    }

    internal sealed record Seen(string PathAndQuery, string? ClientCertificate, string User, string Uid, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, string> Extra);
}
