using System.Net;
using MeshScaler.Kubernetes;
using Microsoft.Extensions.Options;

namespace MeshScaler.MetricsApi;

/// <summary>Checks the metrics API's settings, naming each bad one; refuses an unauthenticated API off loopback.</summary>
internal sealed class MetricsApiOptionsValidator(IOptions<KubernetesOptions> kubernetes, IConfiguration configuration) : IValidateOptions<MetricsApiOptions>
{
    private const string Prefix = MetricsApiOptions.SectionName;

    /// <summary>Both certificate files set and present, or neither: what the listener can be built from (else start fails here, by name).</summary>
    public static bool CertificateUsable(MetricsApiOptions options) =>
        string.IsNullOrWhiteSpace(options.CertificateFile) && string.IsNullOrWhiteSpace(options.KeyFile)
        || (File.Exists(options.CertificateFile) && File.Exists(options.KeyFile));

    public ValidateOptionsResult Validate(string? name, MetricsApiOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"{Prefix}:Port must be between 0 and 65535, got {options.Port}");
        }

        // Requests are routed to the API by the port they arrived on: a port shared with another listener (on another
        // address) would hand that listener's requests to the API, or the API's to it.
        // The other listeners' ports are read raw: their own validators report them, and resolving their options here
        // would throw on the first bad one and hide this validator's errors.
        foreach (var (section, port) in new[] { (Hosting.GrpcListenerOptions.SectionName, new Hosting.GrpcListenerOptions().Port), (Hosting.HttpListenerOptions.SectionName, new Hosting.HttpListenerOptions().Port) })
        {
            var configured = configuration[$"{section}:Port"] is { } value ? int.TryParse(value, out var parsed) ? parsed : (int?)null : port;
            if (options.Port != 0 && options.Port == configured)
            {
                errors.Add($"{Prefix}:Port and {section}:Port must differ, both are {configured}");
            }
        }

        if (!IPAddress.TryParse(options.Address, out var address))
        {
            errors.Add($"{Prefix}:Address must be an IP address such as 0.0.0.0 or 127.0.0.1, got \"{options.Address}\"");
        }
        else if (options.Insecure && !IPAddress.IsLoopback(address))
        {
            errors.Add($"{Prefix}:Insecure serves the metrics API without TLS or authentication, so only on a loopback address (127.0.0.1 or ::1); {Prefix}:Address is {options.Address}");
        }

        var upstream = options.Upstream;
        if (upstream.Url is { } url && (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{Prefix}:Upstream:Url must be an https:// URL (the caller's identity travels in its headers, so never in clear), got {url}");
        }

        if (string.IsNullOrWhiteSpace(upstream.CertificateFile) != string.IsNullOrWhiteSpace(upstream.KeyFile))
        {
            errors.Add($"{Prefix}:Upstream:CertificateFile and {Prefix}:Upstream:KeyFile must be set together");
        }

        foreach (var (setting, file) in new[] { ("CaFile", upstream.CaFile), ("CertificateFile", upstream.CertificateFile), ("KeyFile", upstream.KeyFile) })
        {
            if (!string.IsNullOrWhiteSpace(file) && !File.Exists(file))
            {
                errors.Add($"{Prefix}:Upstream:{setting} \"{file}\" does not exist");
            }
        }

        if (upstream.Timeout <= TimeSpan.Zero || upstream.Timeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Prefix}:Upstream:Timeout must be more than 0 and at most 1 minute, got {upstream.Timeout}");
        }

        if (options.Insecure)
        {
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }

        if (string.IsNullOrWhiteSpace(options.CertificateFile) != string.IsNullOrWhiteSpace(options.KeyFile))
        {
            errors.Add($"{Prefix}:CertificateFile and {Prefix}:KeyFile must be set together (or neither, for a self-signed certificate)");
        }

        foreach (var (setting, file) in new[] { ("CertificateFile", options.CertificateFile), ("KeyFile", options.KeyFile) })
        {
            if (!string.IsNullOrWhiteSpace(file) && !File.Exists(file))
            {
                errors.Add($"{Prefix}:{setting} \"{file}\" does not exist");
            }
        }

        foreach (var (setting, ttl) in new[] { ("TokenCacheTtl", options.TokenCacheTtl), ("AllowedCacheTtl", options.AllowedCacheTtl), ("DeniedCacheTtl", options.DeniedCacheTtl) })
        {
            if (ttl < TimeSpan.Zero || ttl > TimeSpan.FromMinutes(10))
            {
                errors.Add($"{Prefix}:{setting} must be between 0 and 10 minutes, got {ttl}");
            }
        }

        // Authentication and authorization are the cluster's answers: without the API server there is nothing to ask.
        if (!KubernetesOptions.ReadsCluster(kubernetes.Value))
        {
            errors.Add($"{Prefix}: the authenticated API asks the Kubernetes API server (TokenReview, SubjectAccessReview, {AuthenticationTrust.Namespace}/{AuthenticationTrust.Name}), and MeshScaler does not read it here: run it in the cluster, set {KubernetesOptions.SectionName}:Kubeconfig (or KUBECONFIG), or set {Prefix}:Insecure=true with a loopback {Prefix}:Address for a local API");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
