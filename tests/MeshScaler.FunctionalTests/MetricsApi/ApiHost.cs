using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using MeshScaler.Emulation.Kubernetes;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>
/// A host with the metrics API on a loopback port, Function fm/enricher on topic orders (backlog 1500, 25 msg/s in):
/// plain HTTP in the insecure mode, or HTTPS with the cluster's authentication and authorization (the fake API server
/// answers TokenReview and SubjectAccessReview, and holds <c>kube-system/extension-apiserver-authentication</c>).
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    public const string Topic = "persistent://public/default/orders";

    /// <summary>The HPA's identity, as kube-controller-manager's service account credentials give it.</summary>
    public const string Hpa = "system:serviceaccount:kube-system:horizontal-pod-autoscaler";

    /// <summary>A bearer token the fake cluster reviews as <see cref="Hpa"/>, after <see cref="AuthorizeHpa"/>.</summary>
    public const string HpaToken = "hpa-token";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly List<HttpClient> _clients = [];
    private readonly bool _https;
    private HttpClient? _reader;

    private ApiHost(ScalerHost host, bool https)
    {
        Host = host;
        _https = https;
        Port = host.App.Services.GetRequiredService<ListenerEndpoints>().MetricsApiPort;
        BaseAddress = new Uri($"{(https ? "https" : "http")}://127.0.0.1:{Port}");
        Http = Client();
    }

    public ScalerHost Host { get; }

    /// <summary>A client with no credentials (anonymous on the HTTPS API).</summary>
    public HttpClient Http { get; }

    public int Port { get; }

    /// <summary>The client the waiting helpers read with: the HPA's token on the HTTPS API (after <see cref="AuthorizeHpa"/>).</summary>
    public HttpClient Reader => _reader ??= _https ? Client(token: HpaToken) : Http;

    public Uri BaseAddress { get; }

    /// <summary>The insecure API (plain HTTP, loopback, no authentication).</summary>
    public static Task<ApiHost> StartAsync() => StartAsync(https: false);

    /// <param name="https">The authenticated API, with a self-signed certificate unless <paramref name="configure"/> names one.</param>
    public static async Task<ApiHost> StartAsync(bool https, Action<Dictionary<string, string?>>? configure = null)
    {
        var host = await ScalerHost.StartAsync((settings, _) =>
        {
            settings["MeshScaler:MetricsApi:Enabled"] = "true";
            settings["MeshScaler:MetricsApi:Insecure"] = https ? "false" : "true";
            settings["MeshScaler:MetricsApi:Address"] = "127.0.0.1";
            settings["MeshScaler:MetricsApi:Port"] = "0";
            configure?.Invoke(settings);
        });
        host.Emulator.State.CreateTopic(Topic);
        host.Emulator.State.SetRates(Topic, 25);
        host.Emulator.State.SetSubscription(Topic, "public/default/enricher", backlog: 1500, msgRateOut: 20, consumers: 2);
        host.Kubernetes.Apply("configmaps", FunctionMeshObjects.ConfigMap("fm", "pulsar-config", host.AdminUrl));
        host.Kubernetes.Apply("functions", FunctionMeshObjects.Function("fm", "enricher", [Topic]));
        return new ApiHost(host, https);
    }

    /// <summary>
    /// The HPA's token, and the RBAC the shipped manifests grant it: get on custom metrics, list on external metrics.
    /// </summary>
    public void AuthorizeHpa()
    {
        var reviews = Host.Kubernetes.Reviews;
        reviews.AddToken(HpaToken, Hpa, "system:serviceaccounts", "system:serviceaccounts:kube-system");
        reviews.Allow(Hpa, "get", "custom.metrics.k8s.io", "*");
        reviews.Allow(Hpa, "list", "external.metrics.k8s.io", "*");
    }

    /// <summary>
    /// A new client (its own connections) presenting <paramref name="certificate"/> and <paramref name="token"/> when
    /// given; it accepts the server's certificate, whichever it is (self-signed or the test's).
    /// </summary>
    /// <param name="intermediates">Sent after <paramref name="certificate"/> in the handshake, as a client with a chain does.</param>
    public HttpClient Client(X509Certificate2? certificate = null, string? token = null, X509Certificate2[]? intermediates = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
                ClientCertificates = certificate is null || intermediates is not null ? null : [certificate],
                ClientCertificateContext = certificate is null || intermediates is null ? null : SslStreamCertificateContext.Create(certificate, [.. intermediates], offline: true),
            },
        };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = Timeout };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        _clients.Add(client);
        return client;
    }

    public Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(string path) => GetAsync(Http, path);

    public static async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(HttpClient client, string path, Action<HttpRequestMessage>? prepare = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        prepare?.Invoke(request);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(text)!);
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        var (status, body) = await GetAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {(int)status} {body}");
        return body;
    }

    /// <summary>Asks until the watch has delivered the Function and its ConfigMap (200), or fails with the last Status.</summary>
    public async Task<JsonNode> WhenReadyAsync(string path)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var (status, body) = await GetAsync(Reader, path);
            if (status == HttpStatusCode.OK)
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path}: {(int)status} {body}");
            await Task.Delay(50);
        }
    }

    /// <summary>Two runner pods of fm/enricher, processing for as long as the host runs.</summary>
    public void StartRunnerPods()
    {
        for (var i = 0; i < 2; i++)
        {
            Host.Kubernetes.Apply("pods", FunctionMeshObjects.RunnerPod("fm", "enricher", i, "127.0.0.1", Host.Runners.Ports[i]));
        }

        var stopping = Host.App.Lifetime.ApplicationStopping;
        _ = Task.Run(async () =>
        {
            while (!stopping.IsCancellationRequested)
            {
                Host.Runners.Process(0, 20);
                Host.Runners.Process(1, 30);
                await Task.Delay(50, CancellationToken.None);
            }
        });
    }

    /// <summary>Asks until <paramref name="count"/> items come back (the pods were scraped twice), or fails with the last answer.</summary>
    public async Task<IReadOnlyList<JsonNode>> PodItemsAsync(string path, int count)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var (status, body) = await GetAsync(Reader, path);
            if (status == HttpStatusCode.OK && body["items"]!.AsArray().Count == count)
            {
                return [.. body["items"]!.AsArray().Select(i => i!)];
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path}: {(int)status} {body}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        await Host.DisposeAsync();
    }
}
