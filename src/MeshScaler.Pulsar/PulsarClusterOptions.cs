namespace MeshScaler.Pulsar;

/// <summary>One Pulsar cluster: where its admin API is and how to authenticate. At most one of
/// <see cref="TokenFile"/>, <see cref="OAuth2"/> and <see cref="Basic"/> may be set; <see cref="Tls"/> combines with any.</summary>
public sealed class PulsarClusterOptions
{
    /// <summary>Absolute http or https URL of the admin API (a broker, the proxy or a load balancer), without query. Required.</summary>
    public string AdminUrl { get; set; } = string.Empty;

    /// <summary>File holding a JWT sent as <c>Authorization: Bearer</c>. Re-read whenever it changes (rotation needs no restart).</summary>
    public string? TokenFile { get; set; }

    /// <summary>OAuth2 client-credentials authentication.</summary>
    public PulsarOAuth2Options? OAuth2 { get; set; }

    /// <summary>HTTP basic authentication.</summary>
    public PulsarBasicAuthOptions? Basic { get; set; }

    /// <summary>TLS trust and client certificate for https admin URLs.</summary>
    public PulsarTlsOptions? Tls { get; set; }
}
