using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Pulsar;

/// <summary>HTTP basic authentication with the password read from a file, re-read when the file changes.</summary>
internal sealed class BasicCredentials : IPulsarCredentials
{
    private readonly string _cluster;
    private readonly string _username;
    private readonly RotatingFile _passwordFile;
    private readonly ILogger _logger;

    public BasicCredentials(string cluster, string username, string passwordFile, ILogger logger)
    {
        _cluster = cluster;
        _username = username;
        _passwordFile = new RotatingFile(passwordFile);
        _logger = logger;
    }

    public ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var password = CredentialFiles.Read(_passwordFile, _cluster, "Basic:PasswordFile", _logger);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_username}:{password}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", encoded);
        request.Headers.TryAddWithoutValidation(PulsarHeaders.AuthMethodName, "basic");
        return ValueTask.CompletedTask;
    }
}
