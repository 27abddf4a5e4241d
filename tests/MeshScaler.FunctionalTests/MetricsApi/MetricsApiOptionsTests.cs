using MeshScaler.Hosting;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>The metrics API's settings: each bad one refused at start by name; the unauthenticated mode on loopback only.</summary>
public sealed class MetricsApiOptionsTests
{
    public static TheoryData<string, string[], string> Refused => new()
    {
        {
            "insecure off loopback",
            ["--MeshScaler:MetricsApi:Enabled=true", "--MeshScaler:MetricsApi:Insecure=true", "--MeshScaler:MetricsApi:Address=0.0.0.0"],
            "MeshScaler:MetricsApi:Insecure serves the metrics API without TLS or authentication, so only on a loopback address (127.0.0.1 or ::1); MeshScaler:MetricsApi:Address is 0.0.0.0"
        },
        {
            "the authenticated API without a cluster to ask",
            ["--MeshScaler:MetricsApi:Enabled=true", "--MeshScaler:Kubernetes:Enabled=false"],
            "MeshScaler:MetricsApi: the authenticated API asks the Kubernetes API server (TokenReview, SubjectAccessReview, kube-system/extension-apiserver-authentication), and MeshScaler does not read it here: run it in the cluster, set MeshScaler:Kubernetes:Kubeconfig (or KUBECONFIG), or set MeshScaler:MetricsApi:Insecure=true with a loopback MeshScaler:MetricsApi:Address for a local API"
        },
        {
            "a certificate without its key",
            ["--MeshScaler:MetricsApi:Enabled=true", "--MeshScaler:Kubernetes:Server=http://127.0.0.1:1", "--MeshScaler:MetricsApi:CertificateFile=/tmp/x.crt"],
            "MeshScaler:MetricsApi:CertificateFile and MeshScaler:MetricsApi:KeyFile must be set together (or neither, for a self-signed certificate)"
        },
        {
            "a certificate file that does not exist",
            ["--MeshScaler:MetricsApi:Enabled=true", "--MeshScaler:Kubernetes:Server=http://127.0.0.1:1", "--MeshScaler:MetricsApi:CertificateFile=/nonexistent/tls.crt", "--MeshScaler:MetricsApi:KeyFile=/nonexistent/tls.key"],
            "MeshScaler:MetricsApi:CertificateFile \"/nonexistent/tls.crt\" does not exist"
        },
        {
            "a cache kept too long",
            ["--MeshScaler:MetricsApi:Enabled=true", "--MeshScaler:Kubernetes:Server=http://127.0.0.1:1", "--MeshScaler:MetricsApi:DeniedCacheTtl=01:00:00"],
            "MeshScaler:MetricsApi:DeniedCacheTtl must be between 0 and 10 minutes, got 01:00:00"
        },
        {
            "bad port",
            ["--MeshScaler:MetricsApi:Enabled=true", "--MeshScaler:MetricsApi:Insecure=true", "--MeshScaler:MetricsApi:Port=70000"],
            "MeshScaler:MetricsApi:Port must be between 0 and 65535, got 70000"
        },
        {
            "not an address",
            ["--MeshScaler:MetricsApi:Enabled=true", "--MeshScaler:MetricsApi:Insecure=true", "--MeshScaler:MetricsApi:Address=localhost"],
            "MeshScaler:MetricsApi:Address must be an IP address such as 0.0.0.0 or 127.0.0.1, got \"localhost\""
        },
        {
            "the gRPC listener's port, on another address (requests are routed by port)",
            ["--MeshScaler:MetricsApi:Enabled=true", "--MeshScaler:MetricsApi:Insecure=true", "--MeshScaler:MetricsApi:Port=9090", "--MeshScaler:Grpc:Address=10.0.0.5"],
            "MeshScaler:MetricsApi:Port and MeshScaler:Grpc:Port must differ, both are 9090"
        },
        {
            "a bad port of the gRPC listener, which must not hide this listener's own errors",
            ["--MeshScaler:MetricsApi:Enabled=true", "--MeshScaler:MetricsApi:Insecure=true", "--MeshScaler:MetricsApi:Port=70000", "--MeshScaler:Grpc:Port=70000"],
            "MeshScaler:MetricsApi:Port must be between 0 and 65535, got 70000"
        },
        {
            "the HTTP listener's port",
            ["--MeshScaler:MetricsApi:Enabled=true", "--MeshScaler:MetricsApi:Insecure=true", "--MeshScaler:MetricsApi:Port=8080"],
            "MeshScaler:MetricsApi:Port and MeshScaler:Http:Port must differ, both are 8080"
        },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Build_Refused_NamesTheSetting(string name, string[] args, string expected)
    {
        var error = Assert.ThrowsAny<Exception>(() => MeshScalerApp.Build(args));

        Assert.True(ConfigurationErrors.From(error).Contains(expected), $"{name}: {string.Join(" | ", ConfigurationErrors.From(error))}");
    }

    [Fact]
    public void Build_Disabled_IgnoresTheOtherSettings()
    {
        using var app = MeshScalerApp.Build(["--MeshScaler:MetricsApi:Address=0.0.0.0", "--MeshScaler:MetricsApi:Insecure=true"]);

        Assert.NotNull(app);
    }
}
