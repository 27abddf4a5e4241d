using MeshScaler.Core;

namespace MeshScaler.Prometheus;

/// <summary>
/// Reads one runner pod's cumulative counters for one component from its exposition. Series are matched by the
/// <c>fqfn</c> label (<c>tenant/namespace/name</c>); an exposition without it is matched by <c>tenant</c>,
/// <c>namespace</c> (written <c>tenant/namespace</c>) and <c>name</c>. A pod running several instances (not how
/// Function Mesh runs them, but a runner may) is read as their sum.
/// </summary>
public static class RunnerMetricsReader
{
    /// <summary>
    /// Parses and reads. Throws <see cref="ExpositionFormatException"/> for an unparsable exposition and
    /// <see cref="ScalingException"/> (Unavailable) when it holds none of the component's series: an empty page is
    /// missing data, never zero messages.
    /// </summary>
    public static RunnerSample Read(string text, ExpositionFormat format, ComponentKind kind, string fqfn, string pod, DateTimeOffset scrapedAt)
    {
        var names = RunnerMetricNames.For(kind);
        var exposition = ExpositionParser.Parse(text, format, names.Wants);
        double? received = null, processed = null, user = null, system = null, sum = null, count = null;
        var instances = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var sample in exposition.Samples)
        {
            if (!Matches(sample, fqfn))
            {
                continue;
            }

            instances.Add(sample.Label("instance_id") ?? string.Empty);
            if (sample.Name == names.Received)
            {
                received = Add(received, sample.Value);
            }
            else if (sample.Name == names.Processed)
            {
                processed = Add(processed, sample.Value);
            }
            else if (sample.Name == names.UserExceptions)
            {
                user = Add(user, sample.Value);
            }
            else if (sample.Name == names.SystemExceptions)
            {
                system = Add(system, sample.Value);
            }
            else if (sample.Name == names.LatencySum)
            {
                sum = Add(sum, sample.Value);
            }
            else if (sample.Name == names.LatencyCount)
            {
                count = Add(count, sample.Value);
            }
        }

        if (received is null && processed is null)
        {
            throw new ScalingException(
                ScalingErrorKind.Unavailable,
                $"pod {pod}: the exposition has no {names.Processed} or {names.Received} series for {fqfn}");
        }

        return new RunnerSample(pod, string.Join(',', instances), received, processed, user, system, sum, count, scrapedAt);
    }

    private static double Add(double? total, double value) => (total ?? 0) + value;

    private static bool Matches(Sample sample, string fqfn)
    {
        if (sample.Label("fqfn") is { } label)
        {
            return label == fqfn;
        }

        var tenant = sample.Label("tenant");
        var ns = sample.Label("namespace");
        var name = sample.Label("name");
        return tenant is not null && ns is not null && name is not null && $"{ns}/{name}" == fqfn && fqfn.StartsWith(tenant + "/", StringComparison.Ordinal);
    }
}
