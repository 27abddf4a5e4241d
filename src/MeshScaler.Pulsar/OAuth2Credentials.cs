using System.Net.Http.Headers;
using System.Text.Json;
using MeshScaler.Core;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Pulsar;

/// <summary>
/// OAuth2 client-credentials tokens for one cluster. The token endpoint is discovered once from the issuer; an
/// access token is reused until min(30 s, half its lifetime) before it expires, until the credentials file changes,
/// or until Pulsar answers 401 (<see cref="Invalidate"/>). Concurrent callers share one token request.
/// </summary>
internal sealed partial class OAuth2Credentials : IPulsarCredentials
{
    private static readonly TimeSpan MaxRefreshMargin = TimeSpan.FromSeconds(30);

    // RFC 6749 makes expires_in optional; without it the token is reused briefly rather than fetched on every call.
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(90);

    private readonly string _cluster;
    private readonly PulsarOAuth2Options _options;
    private readonly RotatingFile _credentialsFile;
    private readonly HttpClient _http;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Uri? _tokenEndpoint;

    // Read without the gate; written whole (Volatile/Interlocked), so token, credentials and refresh time always match.
    private OAuth2Token? _token;

    public OAuth2Credentials(string cluster, PulsarOAuth2Options options, HttpMessageHandler handler, TimeProvider timeProvider, ILogger logger)
    {
        _cluster = cluster;
        _options = options;
        _credentialsFile = new RotatingFile(options.CredentialsFile);
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = await GetTokenAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation(PulsarHeaders.AuthMethodName, "token");
    }

    public void Invalidate() => Interlocked.Exchange(ref _token, null);

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    private async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var credentials = CredentialFiles.Read(_credentialsFile, _cluster, "OAuth2:CredentialsFile", _logger);
        if (TryCached(credentials) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (TryCached(credentials) is { } fresh)
            {
                return fresh;
            }

            var (clientId, clientSecret) = ParseCredentials(credentials);
            var endpoint = _tokenEndpoint ??= await DiscoverAsync(cancellationToken);
            var (token, lifetime) = await RequestTokenAsync(endpoint, clientId, clientSecret, cancellationToken);

            // A fixed 30 s margin on a token living 30 s or less would refresh it on every request.
            var margin = lifetime / 2 < MaxRefreshMargin ? lifetime / 2 : MaxRefreshMargin;
            Volatile.Write(ref _token, new OAuth2Token(token, credentials, _timeProvider.GetUtcNow() + lifetime - margin));
            LogTokenAcquired(_logger, _cluster, (long)lifetime.TotalSeconds);
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private string? TryCached(string credentials) =>
        Volatile.Read(ref _token) is { } cached
        && string.Equals(cached.Credentials, credentials, StringComparison.Ordinal)
        && _timeProvider.GetUtcNow() < cached.RefreshAt
            ? cached.AccessToken
            : null;

    private (string ClientId, string ClientSecret) ParseCredentials(string json)
    {
        var where = $"cluster '{_cluster}': OAuth2:CredentialsFile \"{_options.CredentialsFile}\"";
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Unauthenticated($"{where} must be a JSON object");
            }

            var clientId = root.TryGetProperty("client_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            var secret = root.TryGetProperty("client_secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (string.IsNullOrEmpty(clientId))
            {
                throw Unauthenticated($"{where}: 'client_id' is missing");
            }

            if (string.IsNullOrEmpty(secret))
            {
                throw Unauthenticated($"{where}: 'client_secret' is missing");
            }

            return (clientId, secret);
        }
        catch (JsonException)
        {
            // The parser's message can quote the file's content, which is a secret.
            throw Unauthenticated($"{where} is not valid JSON");
        }
    }

    private async Task<Uri> DiscoverAsync(CancellationToken cancellationToken)
    {
        var discovery = new Uri($"{_options.IssuerUrl.TrimEnd('/')}/.well-known/openid-configuration");
        var display = AdminUrls.Display(discovery);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, discovery), display, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response.StatusCode, $"OAuth2 discovery {display}");
        }

        Uri? discovered = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("token_endpoint", out var endpoint)
                && endpoint.ValueKind == JsonValueKind.String
                && Uri.TryCreate(endpoint.GetString(), UriKind.Absolute, out var uri)
                && AdminUrls.IsHttp(uri))
            {
                discovered = uri;
            }
        }
        catch (JsonException)
        {
            // Reported below with the same message as a wrong shape.
        }

        if (discovered is not null)
        {
            if (discovery.Scheme == Uri.UriSchemeHttps && discovered.Scheme != Uri.UriSchemeHttps)
            {
                // A downgrade would send the client secret in clear text; the issuer's https promised otherwise.
                throw Unauthenticated(
                    $"cluster '{_cluster}': OAuth2 discovery {display} names a plain http 'token_endpoint' " +
                    $"(\"{AdminUrls.Display(discovered)}\") for an https issuer; refusing to send the client secret without TLS");
            }

            return discovered;
        }

        throw new ScalingException(
            ScalingErrorKind.Unavailable,
            $"cluster '{_cluster}': OAuth2 discovery {display} has no absolute http(s) 'token_endpoint'");
    }

    private async Task<(string Token, TimeSpan Lifetime)> RequestTokenAsync(
        Uri endpoint, string clientId, string clientSecret, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "client_credentials"),
            new("client_id", clientId),
            new("client_secret", clientSecret),
        };
        if (!string.IsNullOrEmpty(_options.Audience))
        {
            form.Add(new("audience", _options.Audience));
        }

        if (!string.IsNullOrEmpty(_options.Scope))
        {
            form.Add(new("scope", _options.Scope));
        }

        var display = AdminUrls.Display(endpoint);
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        using var response = await SendAsync(request, display, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response.StatusCode, $"OAuth2 token request to {display}", OAuthError(body));
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("access_token", out var token)
                && token.ValueKind == JsonValueKind.String
                && token.GetString() is { Length: > 0 } accessToken)
            {
                var lifetime = root.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number
                    && expires.TryGetDouble(out var seconds) && seconds > 0
                        ? TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(365).TotalSeconds))
                        : DefaultLifetime;
                return (accessToken, lifetime);
            }
        }
        catch (JsonException)
        {
            // Reported below; the body may hold a token, so it is never quoted.
        }

        throw new ScalingException(
            ScalingErrorKind.Unavailable,
            $"cluster '{_cluster}': OAuth2 token response from {display} has no 'access_token'");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string display, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw new ScalingException(
                    ScalingErrorKind.Unavailable,
                    $"cluster '{_cluster}': OAuth2 request to {display} failed ({ex.HttpRequestError}): {ex.Message}",
                    ex)
                { IsTransient = true };
            }
        }
    }

    private ScalingException Failure(System.Net.HttpStatusCode status, string what, string? detail = null)
    {
        var code = (int)status;
        var message = $"cluster '{_cluster}': {what} returned {code}{(detail is null ? string.Empty : ": " + detail)}";
        return PulsarErrors.IsTransientStatus(code)
            ? new ScalingException(ScalingErrorKind.Unavailable, message) { IsTransient = true }
            : new ScalingException(ScalingErrorKind.Unauthenticated, message);
    }

    /// <summary>RFC 6749 error fields (<c>error</c>, <c>error_description</c>); nothing else of the body is quoted.</summary>
    private static string? OAuthError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("error", out var error)
                || error.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var text = error.GetString()!;
            if (document.RootElement.TryGetProperty("error_description", out var description) && description.ValueKind == JsonValueKind.String)
            {
                text = $"{text} ({description.GetString()})";
            }

            return PulsarErrors.Shorten(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ScalingException Unauthenticated(string message) => new(ScalingErrorKind.Unauthenticated, message);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "cluster '{Cluster}': OAuth2 access token acquired, valid for {Seconds} s")]
    private static partial void LogTokenAcquired(ILogger logger, string cluster, long seconds);
}
