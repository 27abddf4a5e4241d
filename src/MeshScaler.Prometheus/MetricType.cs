namespace MeshScaler.Prometheus;

/// <summary>The Prometheus metric type a family is exposed as.</summary>
internal enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
