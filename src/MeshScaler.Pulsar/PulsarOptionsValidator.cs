using Microsoft.Extensions.Options;

namespace MeshScaler.Pulsar;

/// <summary>Checks <see cref="PulsarOptions"/> at start; reports every problem at once, each naming its setting.</summary>
internal sealed class PulsarOptionsValidator : IValidateOptions<PulsarOptions>
{
    private const string Prefix = PulsarOptions.SectionName;
    private const int MaxRetriesLimit = 10;

    public ValidateOptionsResult Validate(string? name, PulsarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}:RequestTimeout: must be greater than zero (was {options.RequestTimeout})");
        }

        if (options.MaxRetries is < 0 or > MaxRetriesLimit)
        {
            errors.Add($"{Prefix}:MaxRetries: must be between 0 and {MaxRetriesLimit} (was {options.MaxRetries})");
        }

        var seenUrls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (clusterName, cluster) in options.Clusters.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var key = $"{Prefix}:Clusters:{clusterName}";
            if (cluster is null)
            {
                errors.Add($"{key}: must be an object with at least AdminUrl");
                continue;
            }

            ValidateCluster(key, clusterName, cluster, seenUrls, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateCluster(
        string key, string clusterName, PulsarClusterOptions cluster, Dictionary<string, string> seenUrls, List<string> errors)
    {
        if (!AdminUrls.TryParse(cluster.AdminUrl, out var url, out var urlError))
        {
            errors.Add($"{key}:AdminUrl: {urlError}");
        }
        else if (seenUrls.TryGetValue(AdminUrls.Key(url), out var other))
        {
            errors.Add($"{key}:AdminUrl: is the same admin URL as cluster '{other}'; an adminURL must select one cluster");
        }
        else
        {
            seenUrls.Add(AdminUrls.Key(url), clusterName);
        }

        var methods = new List<string>();
        if (cluster.TokenFile is not null)
        {
            methods.Add($"{key}:TokenFile");
            RequireFile(errors, $"{key}:TokenFile", cluster.TokenFile);
        }

        if (cluster.OAuth2 is { } oauth)
        {
            methods.Add($"{key}:OAuth2");
            if (!AdminUrls.TryParse(oauth.IssuerUrl, out _, out var issuerError))
            {
                errors.Add($"{key}:OAuth2:IssuerUrl: {issuerError}");
            }

            RequireFile(errors, $"{key}:OAuth2:CredentialsFile", oauth.CredentialsFile);
        }

        if (cluster.Basic is { } basic)
        {
            methods.Add($"{key}:Basic");
            if (string.IsNullOrWhiteSpace(basic.Username))
            {
                errors.Add($"{key}:Basic:Username: is required");
            }
            else if (basic.Username.Contains(':', StringComparison.Ordinal))
            {
                errors.Add($"{key}:Basic:Username: must not contain ':'");
            }

            RequireFile(errors, $"{key}:Basic:PasswordFile", basic.PasswordFile);
        }

        if (methods.Count > 1)
        {
            errors.Add($"{string.Join(", ", methods)}: at most one of TokenFile, OAuth2 and Basic may be set");
        }

        if (cluster.Tls is { } tls)
        {
            ValidateTls(key, tls, errors);
        }
    }

    private static void ValidateTls(string key, PulsarTlsOptions tls, List<string> errors)
    {
        if (tls.CaFile is not null)
        {
            RequireFile(errors, $"{key}:Tls:CaFile", tls.CaFile);
        }

        if (tls.CertFile is not null)
        {
            RequireFile(errors, $"{key}:Tls:CertFile", tls.CertFile);
        }

        if (tls.KeyFile is not null)
        {
            RequireFile(errors, $"{key}:Tls:KeyFile", tls.KeyFile);
        }

        if (tls.CertFile is not null && tls.KeyFile is null)
        {
            errors.Add($"{key}:Tls:KeyFile: is required when Tls:CertFile is set");
        }
        else if (tls.KeyFile is not null && tls.CertFile is null)
        {
            errors.Add($"{key}:Tls:CertFile: is required when Tls:KeyFile is set");
        }
    }

    private static void RequireFile(List<string> errors, string setting, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            errors.Add($"{setting}: is required");
        }
        else if (!File.Exists(path))
        {
            errors.Add($"{setting}: file \"{path}\" does not exist");
        }
    }
}
