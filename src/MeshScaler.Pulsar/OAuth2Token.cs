namespace MeshScaler.Pulsar;

/// <summary>
/// A cached OAuth2 access token with the credentials file content it was obtained with and the time (UTC) from
/// which it must be refreshed. Immutable, so a reader sees all three from the same token request.
/// </summary>
internal sealed record OAuth2Token(string AccessToken, string Credentials, DateTimeOffset RefreshAt);
