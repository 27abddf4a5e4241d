namespace MeshScaler.Emulation.Simulation;

/// <summary>Everything one what-if run produced.</summary>
public sealed record WhatIfReport(
    string Workload,
    WhatIfOptions Options,
    IReadOnlyList<PolicyResult> Results,
    IReadOnlyList<PolicyDetails> Details,
    IReadOnlyList<SeriesPoint> Series,
    IReadOnlyList<string> Notes);
