namespace MeshScaler.Prometheus;

/// <summary>
/// One time series: raw labels (the writer sanitizes names and escapes values) and either a scalar value or
/// histogram buckets.
/// </summary>
internal sealed class MetricSeries
{
    private MetricSeries(
        IReadOnlyList<KeyValuePair<string, string>> labels,
        MetricValue value,
        IReadOnlyList<double>? upperBounds,
        IReadOnlyList<long>? bucketCounts)
    {
        Labels = labels;
        Value = value;
        UpperBounds = upperBounds;
        BucketCounts = bucketCounts;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; }

    /// <summary>The sample value of a counter or gauge; for a histogram, its sum.</summary>
    public MetricValue Value { get; }

    /// <summary>Finite, strictly ascending bucket upper bounds; null for a scalar series.</summary>
    public IReadOnlyList<double>? UpperBounds { get; }

    /// <summary>
    /// Per-bucket (not cumulative) counts, one per upper bound plus a last one for +Inf; null for a scalar series.
    /// </summary>
    public IReadOnlyList<long>? BucketCounts { get; }

    public static MetricSeries Scalar(IReadOnlyList<KeyValuePair<string, string>> labels, MetricValue value)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return new MetricSeries(labels, value, null, null);
    }

    public static MetricSeries Histogram(
        IReadOnlyList<KeyValuePair<string, string>> labels,
        IReadOnlyList<double> upperBounds,
        IReadOnlyList<long> bucketCounts,
        double sum)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(upperBounds);
        ArgumentNullException.ThrowIfNull(bucketCounts);
        if (bucketCounts.Count != upperBounds.Count + 1)
        {
            throw new ArgumentException(
                $"A histogram with {upperBounds.Count} upper bounds needs {upperBounds.Count + 1} bucket counts (the last for +Inf), got {bucketCounts.Count}.",
                nameof(bucketCounts));
        }

        for (var i = 0; i < upperBounds.Count; i++)
        {
            if (!double.IsFinite(upperBounds[i]) || (i > 0 && upperBounds[i] <= upperBounds[i - 1]))
            {
                throw new ArgumentException(
                    $"Histogram upper bounds must be finite and strictly ascending; bound {i} is {upperBounds[i]}.",
                    nameof(upperBounds));
            }
        }

        return new MetricSeries(labels, MetricValue.FromDouble(sum), upperBounds, bucketCounts);
    }
}
