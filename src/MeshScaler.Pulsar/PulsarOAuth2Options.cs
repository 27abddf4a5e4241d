namespace MeshScaler.Pulsar;

/// <summary>
/// OAuth2 client credentials, as Pulsar's <c>AuthenticationOAuth2</c> plugin takes them. The token endpoint is
/// discovered from <c>{IssuerUrl}/.well-known/openid-configuration</c> (an https issuer must name an https token
/// endpoint); tokens are cached until min(30 s, half their lifetime) before they expire, or until Pulsar answers 401.
/// The cluster's <see cref="PulsarClusterOptions.Tls"/> CA file is trusted for the issuer too, besides the system roots.
/// </summary>
public sealed class PulsarOAuth2Options
{
    /// <summary>Absolute http(s) URL of the issuer. Required.</summary>
    public string IssuerUrl { get; set; } = string.Empty;

    /// <summary>The <c>audience</c> form parameter; omitted when empty.</summary>
    public string? Audience { get; set; }

    /// <summary>The <c>scope</c> form parameter; omitted when empty.</summary>
    public string? Scope { get; set; }

    /// <summary>
    /// Pulsar's JSON key file: <c>{"type":"client_credentials","client_id":…,"client_secret":…}</c>. Required;
    /// re-read when it changes.
    /// </summary>
    public string CredentialsFile { get; set; } = string.Empty;
}
