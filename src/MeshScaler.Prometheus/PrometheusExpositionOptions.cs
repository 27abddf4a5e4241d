namespace MeshScaler.Prometheus;

/// <summary>Settings of the <c>/metrics</c> endpoint; validated at start.</summary>
public sealed class PrometheusExpositionOptions
{
    /// <summary>
    /// Instruments of every meter whose name starts with this (ordinal, case-sensitive) are exported.
    /// Default <c>MeshScaler</c>. The empty string exports every meter in the process, including the runtime's
    /// and ASP.NET Core's.
    /// </summary>
    public string MeterNamePrefix { get; set; } = "MeshScaler";

    /// <summary>
    /// Most distinct tag sets kept per instrument, 1 to 1,000,000; measurements with a new tag set beyond it are
    /// dropped (and logged once) so an unbounded tag cannot exhaust memory. Default 1000.
    /// </summary>
    public int MaxSeriesPerInstrument { get; set; } = 1000;
}
