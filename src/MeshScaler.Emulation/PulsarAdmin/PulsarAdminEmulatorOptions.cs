namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>How a <see cref="PulsarAdminEmulator"/> starts.</summary>
public sealed class PulsarAdminEmulatorOptions
{
    /// <summary>Port on 127.0.0.1; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Clock for <see cref="EmulatorFaultKind.Slow"/>, timestamps, tokens and the workload. Default: system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Applied before every request is answered.</summary>
    public IPulsarWorkload? Workload { get; set; }
}
