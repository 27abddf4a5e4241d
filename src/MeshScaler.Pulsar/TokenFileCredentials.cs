using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Pulsar;

/// <summary><c>Authorization: Bearer</c> from a token file, re-read when the file changes.</summary>
internal sealed class TokenFileCredentials : IPulsarCredentials
{
    private readonly string _cluster;
    private readonly RotatingFile _file;
    private readonly ILogger _logger;

    public TokenFileCredentials(string cluster, string path, ILogger logger)
    {
        _cluster = cluster;
        _file = new RotatingFile(path);
        _logger = logger;
    }

    public ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = CredentialFiles.Read(_file, _cluster, "TokenFile", _logger);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation(PulsarHeaders.AuthMethodName, "token");
        return ValueTask.CompletedTask;
    }
}
