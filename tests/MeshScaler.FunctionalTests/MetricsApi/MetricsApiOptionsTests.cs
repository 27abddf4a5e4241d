using MeshScaler.Hosting;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>The metrics API starts only in the mode that exists: unauthenticated on loopback. Everything else is refused by name.</summary>
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
            "the authenticated API, not built yet",
            ["--MeshScaler:MetricsApi:Enabled=true"],
            "MeshScaler:MetricsApi: the authenticated HTTPS API for a cluster's aggregator (front-proxy certificates, TokenReview, SubjectAccessReview) is not built yet; set MeshScaler:MetricsApi:Insecure=true with a loopback MeshScaler:MetricsApi:Address to serve it locally (demo, tests, kubectl --server)"
        },
        {
            "bad port",
            ["--MeshScaler:MetricsApi:Enabled=true", "--MeshScaler:MetricsApi:Insecure=true", "--MeshScaler:MetricsApi:Port=70000"],
            "MeshScaler:MetricsApi:Port must be between 0 and 65535, got 70000"
        },
        {
            "not an address",
            ["--MeshScaler:MetricsApi:Enabled=true", "--MeshScaler:MetricsApi:Insecure=true", "--MeshScaler:MetricsApi:Address=localhost"],
            "MeshScaler:MetricsApi:Address must be an IP address such as 127.0.0.1, got \"localhost\""
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
