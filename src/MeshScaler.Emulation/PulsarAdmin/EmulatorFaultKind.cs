namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>Misbehaviours the Pulsar admin emulator can be told to show.</summary>
public enum EmulatorFaultKind
{
    /// <summary>500 <c>text/plain</c> with Pulsar's unexpected-error page and a Java stack trace.</summary>
    ServerError,

    /// <summary>200 <c>application/json</c> whose body is not JSON.</summary>
    Garbage,

    /// <summary>Answer normally after a delay (on the emulator's clock).</summary>
    Slow,

    /// <summary>Abort the connection without an answer.</summary>
    Refuse,

    /// <summary>307 to another emulator, preserving path and query and adding <c>authoritative=false</c>.</summary>
    RedirectTo,

    /// <summary>401: a servlet HTML page when no token is sent, a JSON reason when a different token is sent.</summary>
    RequireToken,

    /// <summary>404 <c>{"reason":"Topic … not found"}</c>.</summary>
    NotFound,
}
