namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>One request the emulator received, as tests inspect it.</summary>
/// <param name="Path">The decoded request path.</param>
/// <param name="Query">The raw query string, with its leading '?', or empty.</param>
/// <param name="Authorization">The Authorization header, or null.</param>
/// <param name="AuthMethodName">The X-Pulsar-Auth-Method-Name header, or null.</param>
public sealed record EmulatorRequest(
    string Method,
    string Path,
    string Query,
    string? Authorization,
    string? AuthMethodName,
    DateTimeOffset At);
