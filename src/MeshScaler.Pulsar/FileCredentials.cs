using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Pulsar;

/// <summary>
/// An <c>Authorization</c> header built from a secret file, re-read when the file changes: a token
/// (<see cref="Token"/>) or a basic-auth password (<see cref="Basic"/>).
/// </summary>
internal sealed class FileCredentials : IPulsarCredentials
{
    private readonly string _cluster;
    private readonly RotatingFile _file;
    private readonly string _setting;
    private readonly string _scheme;
    private readonly string _authMethod;
    private readonly Func<string, string> _parameter;
    private readonly ILogger _logger;

    private FileCredentials(
        string cluster, string path, string setting, string scheme, string authMethod, Func<string, string> parameter, ILogger logger)
    {
        _cluster = cluster;
        _file = new RotatingFile(path);
        _setting = setting;
        _scheme = scheme;
        _authMethod = authMethod;
        _parameter = parameter;
        _logger = logger;
    }

    /// <summary><c>Authorization: Bearer</c> with the token file's content (Pulsar's <c>token</c> auth method).</summary>
    public static FileCredentials Token(string cluster, string path, ILogger logger) =>
        new(cluster, path, "TokenFile", "Bearer", "token", token => token, logger);

    /// <summary>HTTP basic authentication with the password file's content (Pulsar's <c>basic</c> auth method).</summary>
    public static FileCredentials Basic(string cluster, string username, string passwordFile, ILogger logger) =>
        new(cluster, passwordFile, "Basic:PasswordFile", "Basic", "basic",
            password => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")), logger);

    public ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var secret = CredentialFiles.Read(_file, _cluster, _setting, _logger);
        request.Headers.Authorization = new AuthenticationHeaderValue(_scheme, _parameter(secret));
        request.Headers.TryAddWithoutValidation(PulsarHeaders.AuthMethodName, _authMethod);
        return ValueTask.CompletedTask;
    }
}
