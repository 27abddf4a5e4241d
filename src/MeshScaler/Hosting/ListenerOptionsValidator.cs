using System.Net;
using Microsoft.Extensions.Options;

namespace MeshScaler.Hosting;

/// <summary>Checks ports, addresses and TLS files of both listeners, naming each bad setting.</summary>
internal sealed class ListenerOptionsValidator(IOptions<HttpListenerOptions> http) : IValidateOptions<GrpcListenerOptions>
{
    public ValidateOptionsResult Validate(string? name, GrpcListenerOptions options)
    {
        var errors = new List<string>();
        CheckEndpoint(GrpcListenerOptions.SectionName, options.Port, options.Address, errors);
        CheckEndpoint(HttpListenerOptions.SectionName, http.Value.Port, http.Value.Address, errors);
        if (options.Port != 0 && options.Port == http.Value.Port)
        {
            errors.Add($"{GrpcListenerOptions.SectionName}:Port and {HttpListenerOptions.SectionName}:Port must differ, both are {options.Port}");
        }

        if (options.MaxReceiveMessageSize <= 0)
        {
            errors.Add($"{GrpcListenerOptions.SectionName}:MaxReceiveMessageSize must be a positive number of bytes, got {options.MaxReceiveMessageSize}");
        }

        if (options.Tls is { } tls)
        {
            const string Prefix = GrpcListenerOptions.SectionName + ":Tls";
            if (string.IsNullOrWhiteSpace(tls.CertificateFile) || string.IsNullOrWhiteSpace(tls.KeyFile))
            {
                errors.Add($"{Prefix}:CertificateFile and {Prefix}:KeyFile must both be set to enable TLS");
            }

            CheckFile($"{Prefix}:CertificateFile", tls.CertificateFile, errors);
            CheckFile($"{Prefix}:KeyFile", tls.KeyFile, errors);
            CheckFile($"{Prefix}:ClientCaFile", tls.ClientCaFile, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckEndpoint(string section, int port, string address, List<string> errors)
    {
        if (port is < 0 or > 65535)
        {
            errors.Add($"{section}:Port must be between 0 and 65535, got {port}");
        }

        if (!IPAddress.TryParse(address, out _))
        {
            errors.Add($"{section}:Address must be an IP address such as 0.0.0.0 or 127.0.0.1, got \"{address}\"");
        }
    }

    private static void CheckFile(string key, string? path, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
        {
            errors.Add($"{key} names a file that does not exist: {path}");
        }
    }
}
