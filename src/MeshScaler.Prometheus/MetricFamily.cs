namespace MeshScaler.Prometheus;

/// <summary>
/// One instrument's data as the writer consumes it. <see cref="Name"/> and <see cref="Unit"/> are the raw
/// instrument name and unit; the writer maps them to the Prometheus name, so families from different instruments
/// that map to the same Prometheus name are merged there.
/// </summary>
/// <param name="Name">Instrument name, e.g. <c>meshscaler.scrape.duration</c>.</param>
/// <param name="Unit">Instrument unit (UCUM); <c>s</c> adds the <c>_seconds</c> suffix.</param>
/// <param name="Type">Exposed Prometheus type.</param>
/// <param name="Help">Instrument description; null or empty writes no <c># HELP</c> line.</param>
/// <param name="Series">One entry per distinct label set; a family without series is not written.</param>
/// <param name="Meter">Meter name, only used to name the culprit in conflict comments.</param>
internal sealed record MetricFamily(
    string Name,
    string? Unit,
    MetricType Type,
    string? Help,
    IReadOnlyList<MetricSeries> Series,
    string? Meter = null);
