using Microsoft.Extensions.Options;

namespace MeshScaler.Kubernetes;

/// <summary>Checks <c>MeshScaler:Kubernetes</c> at start, naming every bad setting.</summary>
internal sealed class KubernetesOptionsValidator : IValidateOptions<KubernetesOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesOptions options)
    {
        var errors = new List<string>();
        const string S = KubernetesOptions.SectionName;
        if (options.MinBackoff <= TimeSpan.Zero || options.MaxBackoff < options.MinBackoff)
        {
            errors.Add($"{S}:MinBackoff must be > 0 and {S}:MaxBackoff at least MinBackoff, got {options.MinBackoff} and {options.MaxBackoff}");
        }

        if (options.MinWatchSeconds < 1 || options.MaxWatchSeconds < options.MinWatchSeconds)
        {
            errors.Add($"{S}:MinWatchSeconds must be >= 1 and {S}:MaxWatchSeconds at least MinWatchSeconds, got {options.MinWatchSeconds} and {options.MaxWatchSeconds}");
        }

        if (options.Server is { } server && (!server.IsAbsoluteUri || (server.Scheme != Uri.UriSchemeHttp && server.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{S}:Server must be an absolute http or https URL, got \"{server}\"");
        }

        foreach (var ns in options.Namespaces)
        {
            if (string.IsNullOrWhiteSpace(ns) || ns.Length > 63 || !ns.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                errors.Add($"{S}:Namespaces has \"{ns}\", which is not a namespace name");
            }
        }

        if (options.Enabled == true && !KubernetesConnection.IsEnabled(new KubernetesOptions { Server = options.Server, Kubeconfig = options.Kubeconfig }))
        {
            errors.Add($"{S}:Enabled is true, but there is no service account (not in a cluster), no {S}:Kubeconfig, no KUBECONFIG and no {S}:Server");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
