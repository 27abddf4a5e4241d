namespace MeshScaler.Pulsar.Tests;

public sealed class PulsarOptionsValidatorTests : IDisposable
{
    private const string C = "MeshScaler:Pulsar:Clusters:prod";
    private readonly TempDirectory _dir = new();
    private readonly string _existing;

    public PulsarOptionsValidatorTests()
    {
        _existing = _dir.Write("token", "t");
    }

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string[]> Cases => new()
    {
        { "valid token cluster", [] },
        { "no clusters", [] },
        { "zero timeout", ["MeshScaler:Pulsar:RequestTimeout: must be greater than zero (was 00:00:00)"] },
        { "negative retries", ["MeshScaler:Pulsar:MaxRetries: must be between 0 and 10 (was -1)"] },
        { "missing admin url", [$"{C}:AdminUrl: is required"] },
        { "relative admin url", [$"{C}:AdminUrl: must be an absolute http or https URL (was \"broker:8080\")"] },
        { "ftp admin url", [$"{C}:AdminUrl: must be an absolute http or https URL (was \"ftp://broker\")"] },
        { "admin url with query", [$"{C}:AdminUrl: must not have a query string (was \"http://broker:8080\")"] },
        { "userinfo not echoed", [$"{C}:AdminUrl: must be an absolute http or https URL (was \"gopher://host/x\")"] },
        { "query of a refused url not echoed", [$"{C}:AdminUrl: must be an absolute http or https URL (was \"ftp://host/?…\")"] },
        { "two auth methods", [$"{C}:TokenFile, {C}:Basic: at most one of TokenFile, OAuth2 and Basic may be set"] },
        { "missing token file", [$"{C}:TokenFile: file \"/nonexistent/token\" does not exist"] },
        { "oauth incomplete", [$"{C}:OAuth2:IssuerUrl: is required", $"{C}:OAuth2:CredentialsFile: is required"] },
        { "basic incomplete", [$"{C}:Basic:Username: is required", $"{C}:Basic:PasswordFile: is required"] },
        { "cert without key", [$"{C}:Tls:KeyFile: is required when Tls:CertFile is set"] },
        { "key without cert", [$"{C}:Tls:CertFile: is required when Tls:KeyFile is set"] },
        { "duplicate admin url", ["MeshScaler:Pulsar:Clusters:prod:AdminUrl: is the same admin URL as cluster 'other'; an adminURL must select one cluster"] },
        {
            "every failure reported",
            [
                "MeshScaler:Pulsar:RequestTimeout: must be greater than zero (was -00:00:01)",
                $"{C}:AdminUrl: is required",
                $"{C}:TokenFile: file \"/nonexistent/token\" does not exist",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_Case_ExactFailures(string name, string[] expected)
    {
        var options = Build(name);

        var result = new PulsarOptionsValidator().Validate(null, options);

        Assert.Equal(expected, result.Failures ?? []);
        Assert.Equal(expected.Length == 0, result.Succeeded);
    }

    private PulsarOptions Build(string name)
    {
        var options = new PulsarOptions();
        var cluster = new PulsarClusterOptions { AdminUrl = "http://broker:8080", TokenFile = _existing };
        options.Clusters["prod"] = cluster;
        switch (name)
        {
            case "no clusters":
                options.Clusters.Clear();
                break;
            case "zero timeout":
                options.RequestTimeout = TimeSpan.Zero;
                break;
            case "negative retries":
                options.MaxRetries = -1;
                break;
            case "missing admin url":
                cluster.AdminUrl = " ";
                break;
            case "relative admin url":
                cluster.AdminUrl = "broker:8080";
                break;
            case "ftp admin url":
                cluster.AdminUrl = "ftp://broker";
                break;
            case "admin url with query":
                cluster.AdminUrl = "http://broker:8080?authoritative=true";
                break;
            case "userinfo not echoed":
                cluster.AdminUrl = "gopher://user:secret@host/x";
                break;
            case "query of a refused url not echoed":
                cluster.AdminUrl = "ftp://host/?token=secret";
                break;
            case "two auth methods":
                cluster.Basic = new PulsarBasicAuthOptions { Username = "u", PasswordFile = _existing };
                break;
            case "missing token file":
                cluster.TokenFile = "/nonexistent/token";
                break;
            case "oauth incomplete":
                cluster.TokenFile = null;
                cluster.OAuth2 = new PulsarOAuth2Options();
                break;
            case "basic incomplete":
                cluster.TokenFile = null;
                cluster.Basic = new PulsarBasicAuthOptions();
                break;
            case "cert without key":
                cluster.Tls = new PulsarTlsOptions { CertFile = _existing };
                break;
            case "key without cert":
                cluster.Tls = new PulsarTlsOptions { KeyFile = _existing };
                break;
            case "duplicate admin url":
                options.Clusters["other"] = new PulsarClusterOptions { AdminUrl = "http://BROKER:8080/" };
                break;
            case "every failure reported":
                options.RequestTimeout = TimeSpan.FromSeconds(-1);
                cluster.AdminUrl = string.Empty;
                cluster.TokenFile = "/nonexistent/token";
                break;
        }

        return options;
    }
}
