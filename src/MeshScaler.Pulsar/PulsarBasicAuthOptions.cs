namespace MeshScaler.Pulsar;

/// <summary>HTTP basic authentication; the password is read from a file, re-read when it changes.</summary>
public sealed class PulsarBasicAuthOptions
{
    /// <summary>User name. Required.</summary>
    public string Username { get; set; } = string.Empty;

    /// <summary>File holding the password (a trailing newline is ignored). Required.</summary>
    public string PasswordFile { get; set; } = string.Empty;
}
