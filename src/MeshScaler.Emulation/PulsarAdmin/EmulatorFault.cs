namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>A fault to apply to requests; create with the static factories.</summary>
public sealed class EmulatorFault
{
    private EmulatorFault(EmulatorFaultKind kind, TimeSpan delay = default, Uri? target = null, string? token = null)
    {
        Kind = kind;
        Delay = delay;
        Target = target;
        Token = token;
    }

    public EmulatorFaultKind Kind { get; }

    /// <summary>The delay of <see cref="EmulatorFaultKind.Slow"/>.</summary>
    public TimeSpan Delay { get; }

    /// <summary>The base address redirected to by <see cref="EmulatorFaultKind.RedirectTo"/>.</summary>
    public Uri? Target { get; }

    /// <summary>The token accepted by <see cref="EmulatorFaultKind.RequireToken"/>.</summary>
    public string? Token { get; }

    public static EmulatorFault ServerError() => new(EmulatorFaultKind.ServerError);

    public static EmulatorFault Garbage() => new(EmulatorFaultKind.Garbage);

    public static EmulatorFault Slow(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(EmulatorFaultKind.Slow, delay: delay);
    }

    public static EmulatorFault Refuse() => new(EmulatorFaultKind.Refuse);

    public static EmulatorFault RedirectTo(Uri other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(EmulatorFaultKind.RedirectTo, target: other);
    }

    public static EmulatorFault RequireToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return new(EmulatorFaultKind.RequireToken, token: token);
    }

    public static EmulatorFault NotFound() => new(EmulatorFaultKind.NotFound);

    public override string ToString() => Kind.ToString();
}
