using System.Globalization;

namespace MeshScaler.Prometheus.Tests;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void Write_FamiliesAndSeriesOutOfOrder_SortedByNameThenLabels()
    {
        var families = new[]
        {
            Gauge("zeta", Series(1, ("b", "1"))),
            Gauge("alpha", Series(2, ("b", "2")), Series(3, ("a", "9")), Series(4, ("b", "10")), Series(5)),
        };

        var (text, conflicts) = Write(families);

        Assert.Equal(
            "# TYPE alpha gauge\nalpha 5\nalpha{a=\"9\"} 3\nalpha{b=\"10\"} 4\nalpha{b=\"2\"} 2\n"
            + "# TYPE zeta gauge\nzeta{b=\"1\"} 1\n",
            text);
        Assert.Empty(conflicts);
    }

    [Fact]
    public void Write_LabelsInAnyOrder_WrittenSortedByName()
    {
        var (text, _) = Write([Gauge("g", Series(1, ("z", "1"), ("a", "2"), ("m", "3")))]);

        Assert.Contains("g{a=\"2\",m=\"3\",z=\"1\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_TwoFamiliesSameNameSameType_MergedFirstHelpWins()
    {
        var families = new[]
        {
            new MetricFamily("jobs", null, MetricType.Counter, null, [Series(1, ("w", "b"))], "M1"),
            new MetricFamily("jobs_total", null, MetricType.Counter, "Second help.", [Series(2, ("w", "a"))], "M2"),
            new MetricFamily("jobs.total", null, MetricType.Counter, "Third help.", [Series(3, ("w", "c"))], "M3"),
        };

        var (text, conflicts) = Write(families);

        Assert.Equal(
            "# HELP jobs_total Second help.\n# TYPE jobs_total counter\n"
            + "jobs_total{w=\"a\"} 2\njobs_total{w=\"b\"} 1\njobs_total{w=\"c\"} 3\n",
            text);
        Assert.Empty(conflicts);
    }

    [Fact]
    public void Write_SameNameDifferentType_SecondSkippedWithComment()
    {
        var families = new[]
        {
            new MetricFamily("queue", null, MetricType.Gauge, null, [Series(1)], "M1"),
            new MetricFamily("queue", null, MetricType.Histogram, null, [Histogram([1], [1, 0], 0.5)], "M2"),
        };

        var (text, conflicts) = Write(families);

        var conflict = Assert.Single(conflicts);
        Assert.Equal("instrument 'queue' of meter 'M2' (histogram) skipped: 'queue' is already a gauge", conflict);
        Assert.Equal($"# MeshScaler: {conflict}\n# TYPE queue gauge\nqueue 1\n", text);
        Assert.Empty(ExpositionChecker.Check(text));
    }

    [Fact]
    public void Write_SeriesRenderingToSameLabels_FirstKept()
    {
        // 1 and "1" are different tag values to the collector but the same label value to Prometheus.
        var families = new[]
        {
            Gauge("g", Series(1, ("id", "1"))),
            Gauge("g", Series(2, ("id", "1"))),
        };

        var (text, conflicts) = Write(families);

        Assert.Single(conflicts);
        Assert.Contains("g{id=\"1\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("g{id=\"1\"} 2", text, StringComparison.Ordinal);
        Assert.Empty(ExpositionChecker.Check(text));
    }

    [Fact]
    public void Write_LabelNamesCollideAfterSanitizing_FirstByNameKept()
    {
        var (text, _) = Write([Gauge("g", Series(1, ("a.b", "dot"), ("a_b", "underscore")))]);

        Assert.Equal("# TYPE g gauge\ng{a_b=\"dot\"} 1\n", text);
    }

    [Fact]
    public void Write_FamilyWithoutSeries_NotWritten()
    {
        var (text, _) = Write([new MetricFamily("empty", null, MetricType.Counter, "Nothing yet.", [])]);

        Assert.Equal(string.Empty, text);
    }

    [Fact]
    public void Write_EmptyHelp_NoHelpLine()
    {
        var (text, _) = Write([new MetricFamily("g", null, MetricType.Gauge, string.Empty, [Series(1)])]);

        Assert.Equal("# TYPE g gauge\ng 1\n", text);
    }

    [Fact]
    public void Write_Histogram_CumulativeBucketsSumAndCount()
    {
        var family = new MetricFamily(
            "latency",
            "s",
            MetricType.Histogram,
            null,
            [Histogram([0.1, 1, 10], [2, 0, 3, 1], 12.5, ("op", "get"))]);

        var (text, _) = Write([family]);

        Assert.Equal(
            "# TYPE latency_seconds histogram\n"
            + "latency_seconds_bucket{op=\"get\",le=\"0.1\"} 2\n"
            + "latency_seconds_bucket{op=\"get\",le=\"1\"} 2\n"
            + "latency_seconds_bucket{op=\"get\",le=\"10\"} 5\n"
            + "latency_seconds_bucket{op=\"get\",le=\"+Inf\"} 6\n"
            + "latency_seconds_sum{op=\"get\"} 12.5\n"
            + "latency_seconds_count{op=\"get\"} 6\n",
            text);
        Assert.Empty(ExpositionChecker.Check(text));
    }

    [Fact]
    public void Write_HistogramWithOwnLeTag_TagRenamed()
    {
        var (text, _) = Write([new MetricFamily("h", null, MetricType.Histogram, null, [Histogram([], [1], 1, ("le", "mine"))])]);

        Assert.Equal("# TYPE h histogram\nh_bucket{_le=\"mine\",le=\"+Inf\"} 1\nh_sum{_le=\"mine\"} 1\nh_count{_le=\"mine\"} 1\n", text);
        Assert.Empty(ExpositionChecker.Check(text));
    }

    [Fact]
    public void Write_Output_UsesLineFeedOnlyAndIsCultureInvariant()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            // InvariantGlobalization has no named cultures; a clone with a comma decimal separator stands in.
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NegativeSign = "~";
            CultureInfo.CurrentCulture = comma;
            var (text, _) = Write(
            [
                new MetricFamily("g", null, MetricType.Gauge, null, [MetricSeries.Scalar([], MetricValue.FromDouble(-1.5))]),
                new MetricFamily("i", null, MetricType.Gauge, null, [MetricSeries.Scalar([], MetricValue.FromInt64(-2))]),
            ]);

            Assert.Equal("# TYPE g gauge\ng -1.5\n# TYPE i gauge\ni -2\n", text);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Histogram_BucketCountMismatch_ThrowsNamingCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => MetricSeries.Histogram([], [1, 2], [1, 2], 0));

        Assert.Equal("bucketCounts", ex.ParamName);
    }

    [Fact]
    public void Histogram_BoundsNotAscending_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => MetricSeries.Histogram([], [2, 1], [0, 0, 0], 0));

        Assert.Equal("upperBounds", ex.ParamName);
    }

    private static (string Text, IReadOnlyList<string> Conflicts) Write(IEnumerable<MetricFamily> families)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var conflicts = PrometheusTextWriter.Write(families, writer);
        return (writer.ToString(), conflicts);
    }

    private static MetricFamily Gauge(string name, params MetricSeries[] series) => new(name, null, MetricType.Gauge, null, series);

    private static MetricSeries Series(long value, params (string Name, string Value)[] labels) =>
        MetricSeries.Scalar([.. labels.Select(l => KeyValuePair.Create(l.Name, l.Value))], MetricValue.FromInt64(value));

    private static MetricSeries Histogram(double[] bounds, long[] counts, double sum, params (string Name, string Value)[] labels) =>
        MetricSeries.Histogram([.. labels.Select(l => KeyValuePair.Create(l.Name, l.Value))], bounds, counts, sum);
}
