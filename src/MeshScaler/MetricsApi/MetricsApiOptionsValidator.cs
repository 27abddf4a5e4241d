using System.Net;
using Microsoft.Extensions.Options;

namespace MeshScaler.MetricsApi;

/// <summary>Checks the metrics API's settings, naming each bad one; refuses an unauthenticated API off loopback.</summary>
internal sealed class MetricsApiOptionsValidator : IValidateOptions<MetricsApiOptions>
{
    private const string Prefix = MetricsApiOptions.SectionName;

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

        if (!IPAddress.TryParse(options.Address, out var address))
        {
            errors.Add($"{Prefix}:Address must be an IP address such as 127.0.0.1, got \"{options.Address}\"");
        }
        else if (options.Insecure && !IPAddress.IsLoopback(address))
        {
            errors.Add($"{Prefix}:Insecure serves the metrics API without TLS or authentication, so only on a loopback address (127.0.0.1 or ::1); {Prefix}:Address is {options.Address}");
        }

        if (!options.Insecure)
        {
            errors.Add($"{Prefix}: the authenticated HTTPS API for a cluster's aggregator (front-proxy certificates, TokenReview, SubjectAccessReview) is not built yet; set {Prefix}:Insecure=true with a loopback {Prefix}:Address to serve it locally (demo, tests, kubectl --server)");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
