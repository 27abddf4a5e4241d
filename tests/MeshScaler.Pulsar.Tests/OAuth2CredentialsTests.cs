using MeshScaler.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshScaler.Pulsar.Tests;

public sealed class OAuth2CredentialsTests : IDisposable
{
    private const string Discovery = "https://issuer.example/.well-known/openid-configuration";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ApplyAsync_HttpsIssuerNamesHttpTokenEndpoint_UnauthenticatedAndSecretNeverSent()
    {
        using var handler = new StubHttpHandler(request => StubHttpHandler.Json(
            request.RequestUri!.AbsoluteUri == Discovery
                ? "{\"token_endpoint\":\"http://issuer.example/oauth/token\"}"
                : "{\"access_token\":\"should-not-be-asked-for\"}"));
        using var credentials = Credentials(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://pulsar.example/admin/v2/x");

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            credentials.ApplyAsync(request, CancellationToken.None).AsTask().WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.Unauthenticated, ex.Kind);
        Assert.Equal(
            $"cluster 'prod': OAuth2 discovery {Discovery} names a plain http 'token_endpoint' (\"http://issuer.example/oauth/token\") " +
            "for an https issuer; refusing to send the client secret without TLS",
            ex.Message);
        Assert.Equal([Discovery], handler.Requests);
        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public async Task Invalidate_CachedToken_NextApplyFetchesANewOne()
    {
        var issued = 0;
        using var handler = new StubHttpHandler(request => StubHttpHandler.Json(
            request.RequestUri!.AbsoluteUri == Discovery
                ? "{\"token_endpoint\":\"https://issuer.example/oauth/token\"}"
                : $"{{\"access_token\":\"token-{Interlocked.Increment(ref issued)}\",\"expires_in\":3600}}"));
        using var credentials = Credentials(handler);

        var first = await AuthorizationAsync(credentials);
        var cached = await AuthorizationAsync(credentials);
        credentials.Invalidate();
        var renewed = await AuthorizationAsync(credentials);

        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-2"], [first, cached, renewed]);
        Assert.Equal([Discovery, "https://issuer.example/oauth/token", "https://issuer.example/oauth/token"], handler.Requests);
    }

    private OAuth2Credentials Credentials(StubHttpHandler handler)
    {
        var file = _dir.Write("oauth.json", "{\"client_id\":\"meshscaler\",\"client_secret\":\"s3cret-value\"}");
        var options = new PulsarOAuth2Options { IssuerUrl = "https://issuer.example", CredentialsFile = file };

        // The credentials own (and dispose) their HttpClient; the stub is disposed by the test as well, which is harmless.
        return new OAuth2Credentials("prod", options, handler, TimeProvider.System, NullLogger.Instance);
    }

    private static async Task<string> AuthorizationAsync(OAuth2Credentials credentials)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://pulsar.example/admin/v2/x");
        await credentials.ApplyAsync(request, CancellationToken.None).AsTask().WaitAsync(TestSupport.Wait);
        return request.Headers.Authorization?.ToString() ?? "(none)";
    }
}
