namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>How a <see cref="PulsarAdminEmulator"/> starts.</summary>
public sealed class PulsarAdminEmulatorOptions
{
    /// <summary>Port on 127.0.0.1; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Clock for <see cref="EmulatorFaultKind.Slow"/>, timestamps, tokens and the workload. Default: system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Applied before every request is answered, and on <see cref="WorkloadInterval"/> when set.</summary>
    public IPulsarWorkload? Workload { get; set; }

    /// <summary>When set, the workload is also applied on a timer of the <see cref="TimeProvider"/>.</summary>
    public TimeSpan? WorkloadInterval { get; set; }

    /// <summary>The <c>ownerBroker</c> reported in stats. Default: the emulator's own host:port.</summary>
    public string? OwnerBroker { get; set; }
}
