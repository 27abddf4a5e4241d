using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Kubernetes;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>
/// The metrics API over real HTTPS with authentication and authorization delegated to the (fake) cluster, as kube-apiserver's
/// aggregator, the HPA and kubelet's probes meet it: the front proxy's certificate and X-Remote headers, client
/// certificates, bearer tokens by TokenReview, SubjectAccessReview with its cache, and anonymous requests refused.
/// </summary>
public sealed class MetricsApiSecurityTests : IDisposable
{
    private const string Hpa = ApiHost.Hpa;
    private const string HpaToken = ApiHost.HpaToken;
    private const string ObjectPath = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/fm/functions.compute.functionmesh.io/enricher/pulsar_subscription_back_log";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly X509Certificate2 _frontProxyCa = TestCertificates.CreateCa("front-proxy-ca");
    private readonly X509Certificate2 _clientCa = TestCertificates.CreateCa("kubernetes client CA");
    private readonly X509Certificate2 _frontProxy;
    private readonly X509Certificate2 _strangerProxy;
    private readonly X509Certificate2 _alice;

    public MetricsApiSecurityTests()
    {
        _frontProxy = TestCertificates.CreateClient(_frontProxyCa, "CN=front-proxy-client");
        _strangerProxy = TestCertificates.CreateClient(_frontProxyCa, "CN=not-the-aggregator");
        _alice = TestCertificates.CreateClient(_clientCa, "CN=alice, O=team-a, O=team-b");
    }

    public void Dispose()
    {
        foreach (var certificate in new[] { _frontProxyCa, _clientCa, _frontProxy, _strangerProxy, _alice })
        {
            certificate.Dispose();
        }
    }

    [Fact]
    public async Task Anonymous_Is401_ButTheProbesAnswer()
    {
        await using var api = await StartAsync();

        var (status, body) = await api.GetAsync(ObjectPath);
        var healthz = await api.Http.GetAsync("/healthz");
        var livez = await api.Http.GetAsync("/livez");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Equal("Unauthorized", (string?)body["reason"]);
        Assert.Equal(401, (int)body["code"]!);
        Assert.Contains("anonymous requests are refused (no client certificate and no bearer token)", (string?)body["message"]);
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal(HttpStatusCode.OK, livez.StatusCode);
        Assert.Equal(0, api.Host.Kubernetes.Reviews.AccessReviews);
    }

    [Fact]
    public async Task BearerToken_ReviewedThenAuthorized_TheHpaReadsItsMetric_WithTheAttributesKubeApiserverWouldAsk()
    {
        await using var api = await StartAsync();
        var hpa = api.Client(token: HpaToken);

        var body = await WhenOkAsync(hpa, ObjectPath);

        Assert.Equal("1500", (string?)body["items"]![0]!["value"]);
        var spec = api.Host.Kubernetes.Reviews.AccessSpecs.Last();
        Assert.Equal(Hpa, (string?)spec["user"]);
        Assert.Contains("system:authenticated", spec["groups"]!.AsArray().Select(g => (string)g!));
        var attributes = spec["resourceAttributes"]!;
        Assert.Equal("fm", (string?)attributes["namespace"]);
        Assert.Equal("get", (string?)attributes["verb"]);
        Assert.Equal("custom.metrics.k8s.io", (string?)attributes["group"]);
        Assert.Equal("v1beta2", (string?)attributes["version"]);
        Assert.Equal("functions.compute.functionmesh.io", (string?)attributes["resource"]);
        Assert.Equal("enricher", (string?)attributes["name"]);
        Assert.Equal("pulsar_subscription_back_log", (string?)attributes["subresource"]);
    }

    [Theory]
    [InlineData("pods wildcard", "/apis/custom.metrics.k8s.io/v1beta2/namespaces/fm/pods/%2A/pulsar_function_processed_successfully?labelSelector=a%3Db", "get", "pods", "*", "pulsar_function_processed_successfully")]
    [InlineData("external", "/apis/external.metrics.k8s.io/v1beta1/namespaces/fm/pulsar_subscription_back_log?labelSelector=topic%3Dorders", "list", "pulsar_subscription_back_log", null, null)]
    public async Task Attributes_FollowRequestInfo(string name, string path, string verb, string resource, string? objectName, string? subresource)
    {
        await using var api = await StartAsync();
        api.Host.Kubernetes.Reviews.Allow("system:serviceaccount:team:reader", "*", "*", "*");
        api.Host.Kubernetes.Reviews.AddToken("reader", "system:serviceaccount:team:reader");

        await ApiHost.GetAsync(api.Client(token: "reader"), path);

        var attributes = api.Host.Kubernetes.Reviews.AccessSpecs.Last()["resourceAttributes"]!;
        Assert.True(verb == (string?)attributes["verb"], name);
        Assert.Equal(resource, (string?)attributes["resource"]);
        Assert.Equal(objectName, (string?)attributes["name"]);
        Assert.Equal(subresource, (string?)attributes["subresource"]);
        Assert.Equal("fm", (string?)attributes["namespace"]);
    }

    [Fact]
    public async Task UnknownToken_Is401()
    {
        await using var api = await StartAsync();

        var (status, body) = await ApiHost.GetAsync(api.Client(token: "forged"), ObjectPath);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("does not accept the bearer token", (string?)body["message"]);
    }

    [Fact]
    public async Task WithoutRbac_Is403_InKubeApiserversWords()
    {
        await using var api = await StartAsync();
        api.Host.Kubernetes.Reviews.AddToken("nobody", "system:serviceaccount:team:nobody");

        var (status, body) = await ApiHost.GetAsync(api.Client(token: "nobody"), ObjectPath);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("Forbidden", (string?)body["reason"]);
        Assert.StartsWith(
            "functions.compute.functionmesh.io.custom.metrics.k8s.io \"enricher\" is forbidden: User \"system:serviceaccount:team:nobody\" cannot get resource \"functions.compute.functionmesh.io\" in API group \"custom.metrics.k8s.io\" in the namespace \"fm\"",
            (string?)body["message"]);
    }

    [Fact]
    public async Task ExplicitDeny_Is403_AndDiscoveryNeedsOnlyBeingAuthenticated()
    {
        await using var api = await StartAsync();
        api.Host.Kubernetes.Reviews.AddToken("mallory", "mallory");
        api.Host.Kubernetes.Reviews.Allow("mallory", "*", "*", "*");
        api.Host.Kubernetes.Reviews.Deny("mallory", "get", "custom.metrics.k8s.io", "functions.compute.functionmesh.io/pulsar_subscription_back_log");
        var mallory = api.Client(token: "mallory");

        var (denied, body) = await ApiHost.GetAsync(mallory, ObjectPath);
        var (discovery, _) = await ApiHost.GetAsync(mallory, "/apis/custom.metrics.k8s.io/v1beta2");

        Assert.Equal(HttpStatusCode.Forbidden, denied);
        Assert.Contains("denied", (string?)body["message"]);
        Assert.Equal(HttpStatusCode.OK, discovery);
        Assert.Equal("/apis/custom.metrics.k8s.io/v1beta2", (string?)api.Host.Kubernetes.Reviews.AccessSpecs.Last()["nonResourceAttributes"]!["path"]);
    }

    [Fact]
    public async Task FrontProxy_ItsHeadersAreTheUser_ExtrasLowercasedAndUnescaped()
    {
        await using var api = await StartAsync();
        var aggregator = api.Client(_frontProxy);

        var body = await WhenOkAsync(aggregator, ObjectPath, request =>
        {
            request.Headers.Add("X-Remote-User", Hpa);
            request.Headers.Add("X-Remote-Group", "system:serviceaccounts");
            request.Headers.Add("X-Remote-Extra-Authentication.kubernetes.io%2fPod-Name", "kcm-0");
        });

        Assert.Equal("MetricValueList", (string?)body["kind"]);
        var spec = api.Host.Kubernetes.Reviews.AccessSpecs.Last();
        Assert.Equal(Hpa, (string?)spec["user"]);
        Assert.Equal(["system:serviceaccounts", "system:authenticated"], spec["groups"]!.AsArray().Select(g => (string)g!));
        Assert.Equal("kcm-0", (string?)spec["extra"]!["authentication.kubernetes.io/pod-name"]![0]);
    }

    [Fact]
    public async Task FrontProxy_SystemMasters_TheAggregatorsProbe_NeedsNoReview()
    {
        await using var api = await StartAsync();
        var aggregator = api.Client(_frontProxy);

        var body = await WhenOkAsync(aggregator, "/apis/custom.metrics.k8s.io/v1beta2", request =>
        {
            request.Headers.Add("X-Remote-User", "system:kube-aggregator");
            request.Headers.Add("X-Remote-Group", "system:masters");
        });

        Assert.Equal("APIResourceList", (string?)body["kind"]);
        Assert.Equal(0, api.Host.Kubernetes.Reviews.AccessReviews);
    }

    [Fact]
    public async Task ForgedHeaders_WithoutTheFrontProxyCertificate_AreNeverBelieved()
    {
        await using var api = await StartAsync();
        api.Host.Kubernetes.Reviews.AddToken("nobody", "nobody");
        void Forge(HttpRequestMessage request)
        {
            request.Headers.Add("X-Remote-User", "system:admin");
            request.Headers.Add("X-Remote-Group", "system:masters");
        }

        var (anonymous, anonymousBody) = await ApiHost.GetAsync(api.Http, ObjectPath, Forge);
        var (withToken, _) = await ApiHost.GetAsync(api.Client(token: "nobody"), ObjectPath, Forge);
        var (withClientCertificate, _) = await ApiHost.GetAsync(api.Client(_alice), ObjectPath, Forge);
        var (strangerProxy, strangerBody) = await ApiHost.GetAsync(api.Client(_strangerProxy), ObjectPath, Forge);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Contains("anonymous requests are refused", (string?)anonymousBody["message"]);
        Assert.Equal(HttpStatusCode.Forbidden, withToken);
        Assert.Equal(HttpStatusCode.Forbidden, withClientCertificate);
        Assert.Equal(HttpStatusCode.Unauthorized, strangerProxy);
        Assert.Contains("CN=not-the-aggregator", (string?)strangerBody["message"]);
        Assert.DoesNotContain(api.Host.Kubernetes.Reviews.AccessSpecs, s => (string?)s["user"] == "system:admin");
        Assert.Contains(api.Host.Logs.Entries, e => e.EventId.Id == 5304 && e.Message.Contains("not-the-aggregator"));
    }

    [Fact]
    public async Task ClientCertificate_CnIsTheUser_OrganizationsTheGroups()
    {
        await using var api = await StartAsync();
        api.Host.Kubernetes.Reviews.Allow("team-b", "get", "custom.metrics.k8s.io", "*");

        var body = await WhenOkAsync(api.Client(_alice), ObjectPath);

        Assert.Equal("1500", (string?)body["items"]![0]!["value"]);
        var spec = api.Host.Kubernetes.Reviews.AccessSpecs.Last();
        Assert.Equal("alice", (string?)spec["user"]);

        // In the certificate's encoded order, as Go's pkix.Name reads it: "CN=alice, O=team-a, O=team-b" is written
        // most specific first, so encoded O=team-b, O=team-a, CN=alice.
        Assert.Equal(["team-b", "team-a", "system:authenticated"], spec["groups"]!.AsArray().Select(g => (string)g!));
    }

    [Fact]
    public async Task Reviews_AreCached_OneTokenReviewAndOneAccessReviewForManyReads()
    {
        await using var api = await StartAsync(settings => settings["MeshScaler:MetricsApi:TokenCacheTtl"] = "00:05:00");
        var hpa = api.Client(token: HpaToken);
        await WhenOkAsync(hpa, ObjectPath);
        var (tokens, access) = (api.Host.Kubernetes.Reviews.TokenReviews, api.Host.Kubernetes.Reviews.AccessReviews);

        var reads = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => ApiHost.GetAsync(hpa, ObjectPath)));

        Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(tokens, api.Host.Kubernetes.Reviews.TokenReviews);
        Assert.Equal(access, api.Host.Kubernetes.Reviews.AccessReviews);
    }

    [Fact]
    public async Task OneConnection_TwoTokens_EachRequestIsItsOwnUser()
    {
        await using var api = await StartAsync();
        api.Host.Kubernetes.Reviews.AddToken("nobody", "system:serviceaccount:team:nobody");
        var shared = api.Client();
        void As(HttpRequestMessage request, string token) => request.Headers.Authorization = new("Bearer", token);
        await WhenOkAsync(shared, ObjectPath, r => As(r, HpaToken));

        var (other, _) = await ApiHost.GetAsync(shared, ObjectPath, r => As(r, "nobody"));
        var (again, _) = await ApiHost.GetAsync(shared, ObjectPath, r => As(r, HpaToken));
        var (none, _) = await ApiHost.GetAsync(shared, ObjectPath);

        Assert.Equal(HttpStatusCode.Forbidden, other);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(HttpStatusCode.Unauthorized, none);
    }

    [Fact]
    public async Task FailingReviews_Are401Or403NamingWhy_AndTheApiRecovers()
    {
        await using var api = await StartAsync(settings => settings["MeshScaler:MetricsApi:AllowedCacheTtl"] = "00:00:00");
        api.Host.Kubernetes.Reviews.AddToken("other", Hpa);
        await WhenOkAsync(api.Client(token: HpaToken), ObjectPath);
        api.Host.Kubernetes.Reviews.Failing = true;

        var (unreviewedToken, tokenBody) = await ApiHost.GetAsync(api.Client(token: "other"), ObjectPath);
        var (unreviewedAccess, accessBody) = await ApiHost.GetAsync(api.Client(token: HpaToken), ObjectPath);
        var (again, _) = await ApiHost.GetAsync(api.Client(token: HpaToken), ObjectPath);
        api.Host.Kubernetes.Reviews.Failing = false;
        await WhenOkAsync(api.Client(token: HpaToken), ObjectPath);

        // The outage is logged when it starts and when it ends, not once per refused request.
        Assert.Equal(HttpStatusCode.Forbidden, again);
        Assert.Single(api.Host.Logs.Entries, e => e.EventId.Id == 6003 && e.Message.Contains("SubjectAccessReviews fail"));
        Assert.Single(api.Host.Logs.Entries, e => e.EventId.Id == 6003 && e.Message.Contains("TokenReviews fail"));
        Assert.Contains(api.Host.Logs.Entries, e => e.EventId.Id == 6004 && e.Message.Contains("SubjectAccessReviews work again"));

        Assert.Equal(HttpStatusCode.Unauthorized, unreviewedToken);
        Assert.Contains("could not be reviewed: creating tokenreviews.authentication.k8s.io failed: HTTP 500", (string?)tokenBody["message"]);
        Assert.Equal(HttpStatusCode.Forbidden, unreviewedAccess);
        Assert.Contains("creating subjectaccessreviews.authorization.k8s.io failed: HTTP 500", (string?)accessBody["message"]);
    }

    [Fact]
    public async Task ReviewsForbidden_TheErrorNamesTheBindingToAdd()
    {
        await using var api = await StartAsync();
        api.Host.Kubernetes.Deny("tokenreviews");

        var (status, body) = await ApiHost.GetAsync(api.Client(token: HpaToken), ObjectPath);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("may not create tokenreviews.authentication.k8s.io: bind it to the ClusterRole system:auth-delegator", (string?)body["message"]);
    }

    [Fact]
    public async Task RotatedFrontProxyCa_TakesEffectOnItsWatchEvent()
    {
        await using var api = await StartAsync();
        void AsHpa(HttpRequestMessage request) => request.Headers.Add("X-Remote-User", Hpa);
        var oldProxy = api.Client(_frontProxy);
        await WhenOkAsync(oldProxy, ObjectPath, AsHpa);
        using var newCa = TestCertificates.CreateCa("front-proxy-ca-2");
        using var newProxyCertificate = TestCertificates.CreateClient(newCa, "CN=front-proxy-client");

        api.Host.Kubernetes.Apply("configmaps", Trust(newCa, _clientCa));

        var deadline = DateTime.UtcNow + Timeout;
        while ((await ApiHost.GetAsync(oldProxy, ObjectPath, AsHpa)).Status != HttpStatusCode.Unauthorized)
        {
            Assert.True(DateTime.UtcNow < deadline, "the old front-proxy certificate is still trusted");
            await Task.Delay(50);
        }

        await WhenOkAsync(api.Client(newProxyCertificate), ObjectPath, AsHpa);
    }

    [Fact]
    public async Task TrustNotPublished_ACertificateIsRefusedSayingWhy_TokensStillWork()
    {
        await using var api = await StartAsync(publishTrust: false);

        var deadline = DateTime.UtcNow + Timeout;
        JsonNode body;
        while (true)
        {
            (_, body) = await ApiHost.GetAsync(api.Client(_alice), ObjectPath);
            if (((string?)body["message"])!.Contains("does not exist"))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, body.ToJsonString());
            await Task.Delay(50);
        }

        Assert.Equal(401, (int)body["code"]!);
        Assert.Contains($"{AuthenticationTrust.Namespace}/{AuthenticationTrust.Name} does not exist", (string?)body["message"]);
        await WhenOkAsync(api.Client(token: HpaToken), ObjectPath);
    }

    [Fact]
    public async Task BrokenTrustKeys_AreLoggedByName_AndTheOtherPathsStillWork()
    {
        await using var api = await StartAsync(publishTrust: false);
        var trust = Trust(_frontProxyCa, _clientCa);
        trust["data"]!["client-ca-file"] = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
        trust["data"]!["requestheader-allowed-names"] = "front-proxy-client";
        api.Host.Kubernetes.Apply("configmaps", trust);

        var deadline = DateTime.UtcNow + Timeout;
        while (!api.Host.Logs.Entries.Any(e => e.EventId.Id == 5305 && e.Message.Contains("requestheader-allowed-names is not a JSON array")))
        {
            Assert.True(DateTime.UtcNow < deadline, "no warning about the broken keys");
            await Task.Delay(50);
        }

        Assert.Contains(api.Host.Logs.Entries, e => e.EventId.Id == 5305 && e.Message.Contains("key client-ca-file"));
        var (alice, _) = await ApiHost.GetAsync(api.Client(_alice), ObjectPath);
        Assert.Equal(HttpStatusCode.Unauthorized, alice);

        // An unreadable allowed-names list is not "any name the CA signed": the front proxy is off until it is fixed,
        // so even the real front-proxy certificate (and a stranger the CA signed) vouches for nobody.
        Assert.Contains(api.Host.Logs.Entries, e => e.EventId.Id == 5305 && e.Message.Contains("the front proxy (requestheader-client-ca-file) is not trusted"));
        void AsHpa(HttpRequestMessage request) => request.Headers.Add("X-Remote-User", Hpa);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ApiHost.GetAsync(api.Client(_frontProxy), ObjectPath, AsHpa)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ApiHost.GetAsync(api.Client(_strangerProxy), ObjectPath, AsHpa)).Status);
        await WhenOkAsync(api.Client(token: HpaToken), ObjectPath);
    }

    [Fact]
    public async Task ClientCertificate_WithoutACommonName_IsNoUser_NothingStandsInForIt()
    {
        await using var api = await StartAsync();
        api.Host.Kubernetes.Reviews.Allow("team-a", "get", "custom.metrics.k8s.io", "*");

        // .NET's SimpleName would read "team-a" here (the O), a user nobody named.
        using var nameless = TestCertificates.CreateClient(_clientCa, "O=team-a, OU=ops");
        await TrustReadAsync(api);
        var (status, body) = await ApiHost.GetAsync(api.Client(nameless), ObjectPath);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("nor the client CA with a common name", (string?)body["message"]);
        Assert.DoesNotContain(api.Host.Kubernetes.Reviews.AccessSpecs, s => (string?)s["user"] == "team-a");
    }

    [Fact]
    public async Task ClientCertificate_MultiValuedRdn_IsReadAsKubeApiserverReadsIt_NotA500()
    {
        await using var api = await StartAsync();
        api.Host.Kubernetes.Reviews.Allow("team-b", "get", "custom.metrics.k8s.io", "*");
        using var bob = TestCertificates.CreateClient(_clientCa, TestCertificates.MultiValued(("2.5.4.3", "bob"), ("2.5.4.10", "team-b")));

        var body = await WhenOkAsync(api.Client(bob), ObjectPath);

        Assert.Equal("1500", (string?)body["items"]![0]!["value"]);
        var spec = api.Host.Kubernetes.Reviews.AccessSpecs.Last();
        Assert.Equal("bob", (string?)spec["user"]);
        Assert.Equal(["team-b", "system:authenticated"], spec["groups"]!.AsArray().Select(g => (string)g!));
    }

    [Fact]
    public async Task ClientCertificate_SignedByAnIntermediate_ItSent_IsAccepted()
    {
        await using var api = await StartAsync();
        api.Host.Kubernetes.Reviews.Allow("team-c", "get", "custom.metrics.k8s.io", "*");
        using var intermediate = TestCertificates.CreateIntermediate(_clientCa, "kubernetes client intermediate");
        using var carol = TestCertificates.CreateClient(intermediate, "CN=carol, O=team-c");
        using var intermediateAlone = X509CertificateLoader.LoadCertificate(intermediate.RawData);

        var body = await WhenOkAsync(api.Client(carol, intermediates: [intermediateAlone]), ObjectPath);
        var (reconnected, _) = await ApiHost.GetAsync(api.Client(carol, intermediates: [intermediateAlone]), ObjectPath);
        var (without, _) = await ApiHost.GetAsync(api.Client(carol), ObjectPath);

        // A second connection presents its chain again and is accepted too (MetricsApiTlsTests: no session is resumed).
        Assert.Equal(HttpStatusCode.OK, reconnected);
        Assert.Equal(HttpStatusCode.Unauthorized, without);
        Assert.Equal("carol", (string?)api.Host.Kubernetes.Reviews.AccessSpecs.Last()["user"]);
        Assert.Equal("MetricValueList", (string?)body["kind"]);
    }

    [Fact]
    public async Task FrontProxy_AnonymousCaller_IsNotMadeAuthenticated()
    {
        await using var api = await StartAsync();
        await TrustReadAsync(api);

        var (status, _) = await ApiHost.GetAsync(api.Client(_frontProxy), ObjectPath, request =>
        {
            request.Headers.Add("X-Remote-User", "system:anonymous");
            request.Headers.Add("X-Remote-Group", "system:unauthenticated");
        });

        Assert.Equal(HttpStatusCode.Forbidden, status);
        var spec = api.Host.Kubernetes.Reviews.AccessSpecs.Last();
        Assert.Equal("system:anonymous", (string?)spec["user"]);
        Assert.Equal(["system:unauthenticated"], spec["groups"]!.AsArray().Select(g => (string)g!));
    }

    [Fact]
    public async Task TokenReviewFailing_The401KeepsTheApiServersAnswer_ForTheLogOnly()
    {
        await using var api = await StartAsync();
        api.Host.Kubernetes.Reviews.Failing = true;

        var (status, body) = await ApiHost.GetAsync(api.Client(token: "whoever"), ObjectPath);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.EndsWith("could not be reviewed: creating tokenreviews.authentication.k8s.io failed: HTTP 500", (string?)body["message"]);
        Assert.DoesNotContain("fake API server", (string?)body["message"]);
        Assert.Contains(api.Host.Logs.Entries, e => e.EventId.Id == 6003 && e.Message.Contains("TokenReviews fail") && e.Message.Contains("the fake API server fails reviews"));
    }

    [Fact]
    public async Task SelfSigned_WhenNoCertificateIsConfigured_WithAWarning()
    {
        await using var api = await StartAsync();

        using var served = await ServedCertificateAsync(api.Port);

        Assert.Equal("CN=meshscaler-metrics-api", served.Subject);
        Assert.Equal(served.Subject, served.Issuer);
        Assert.Contains("localhost", served.GetNameInfo(X509NameType.DnsName, false), StringComparison.Ordinal);
        Assert.Contains(api.Host.Logs.Entries, e => e.EventId.Id == 5302 && e.Message.Contains("insecureSkipTLSVerify"));
    }

    [Fact]
    public async Task ConfiguredCertificate_IsServed()
    {
        using var certificates = new TestCertificates();
        await using var api = await StartAsync(WithCertificate(certificates));

        using var served = await ServedCertificateAsync(api.Port);

        Assert.Equal(certificates.ServerCertificate.Thumbprint, served.Thumbprint);
        Assert.DoesNotContain(api.Host.Logs.Entries, e => e.EventId.Id == 5302);
    }

    [Fact]
    public async Task ConfiguredCertificate_RotatedFiles_AreServedOnTheNextConnection()
    {
        using var certificates = new TestCertificates();
        await using var api = await StartAsync(WithCertificate(certificates));
        async Task<string> ServedAsync()
        {
            using var served = await ServedCertificateAsync(api.Port);
            return served.Thumbprint;
        }

        var before = await ServedAsync();
        using var rotated = certificates.RotateServerCertificate("CN=rotated");
        var after = await ServedAsync();

        Assert.Equal(certificates.ServerCertificate.Thumbprint, before);
        Assert.Equal(rotated.Thumbprint, after);
        await WhenOkAsync(api.Client(token: HpaToken), ObjectPath);
    }

    [Theory]
    [InlineData("huge path", 20_000)]
    [InlineData("odd path", 0)]
    public async Task OddRequests_AreRefusedBeforeAnyReview_AndTheApiKeepsServing(string name, int length)
    {
        await using var api = await StartAsync();
        var path = length > 0 ? "/apis/" + new string('a', length) : "/apis/custom.metrics.k8s.io/v1beta2/namespaces/%00/../../x";

        using var response = await api.Http.GetAsync(path);

        Assert.True((int)response.StatusCode is 400 or 401 or 404 or 414 or 431, $"{name}: {(int)response.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync("/healthz")).StatusCode);
        await WhenOkAsync(api.Client(token: HpaToken), ObjectPath);
    }

    private async Task<ApiHost> StartAsync(Action<Dictionary<string, string?>>? configure = null, bool publishTrust = true)
    {
        var api = await ApiHost.StartAsync(https: true, configure);
        api.AuthorizeHpa();
        if (publishTrust)
        {
            api.Host.Kubernetes.Apply("configmaps", Trust(_frontProxyCa, _clientCa));
        }

        return api;
    }

    /// <summary>kube-system/extension-apiserver-authentication as kube-apiserver writes it (kubeadm's values).</summary>
    private static JsonObject Trust(X509Certificate2 frontProxyCa, X509Certificate2 clientCa) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["namespace"] = AuthenticationTrust.Namespace, ["name"] = AuthenticationTrust.Name },
        ["data"] = new JsonObject
        {
            ["client-ca-file"] = clientCa.ExportCertificatePem(),
            ["requestheader-client-ca-file"] = frontProxyCa.ExportCertificatePem(),
            ["requestheader-allowed-names"] = "[\"front-proxy-client\"]",
            ["requestheader-username-headers"] = "[\"X-Remote-User\"]",
            ["requestheader-group-headers"] = "[\"X-Remote-Group\"]",
            ["requestheader-extra-headers-prefix"] = "[\"X-Remote-Extra-\"]",
        },
    };

    private static Action<Dictionary<string, string?>> WithCertificate(TestCertificates certificates) => settings =>
    {
        settings["MeshScaler:MetricsApi:CertificateFile"] = certificates.ServerCertificateFile;
        settings["MeshScaler:MetricsApi:KeyFile"] = certificates.ServerKeyFile;
    };

    /// <summary>The certificate the API's listener serves on a new connection.</summary>
    private static async Task<X509Certificate2> ServedCertificateAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), false, static (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        return new X509Certificate2(tls.RemoteCertificate!);
    }

    /// <summary>Asks until 200 (the trust and the Function are read), or fails with the last answer.</summary>
    /// <summary>Until the trust ConfigMap has been read: the aggregator's certificate is believed.</summary>
    private Task TrustReadAsync(ApiHost api) => WhenOkAsync(api.Client(_frontProxy), ObjectPath, request => request.Headers.Add("X-Remote-User", Hpa));

    private static async Task<JsonNode> WhenOkAsync(HttpClient client, string path, Action<HttpRequestMessage>? prepare = null)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var (status, body) = await ApiHost.GetAsync(client, path, prepare);
            if (status == HttpStatusCode.OK)
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path}: {(int)status} {body}");
            await Task.Delay(50);
        }
    }
}
