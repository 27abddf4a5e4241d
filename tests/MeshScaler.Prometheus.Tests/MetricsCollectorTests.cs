using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Prometheus.Tests;

public sealed class MetricsCollectorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Scrape_GoldenInstruments_MatchesGoldenFile()
    {
        using var fixture = new CollectorFixture();
        RecordGoldenInstruments(fixture.Meter);

        var text = fixture.Collector.Scrape();

        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "golden-exposition.txt"));
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Scrape_GoldenInstruments_PassesStrictChecker()
    {
        using var fixture = new CollectorFixture();
        RecordGoldenInstruments(fixture.Meter);

        var text = fixture.Collector.Scrape();

        Assert.Empty(ExpositionChecker.Check(text));
    }

    [Fact]
    public void Scrape_Twice_SameOutput()
    {
        using var fixture = new CollectorFixture();
        RecordGoldenInstruments(fixture.Meter);

        Assert.Equal(fixture.Collector.Scrape(), fixture.Collector.Scrape());
    }

    [Fact]
    public async Task Counter_ManyThreadsIncrementing_ExactTotal()
    {
        using var fixture = new CollectorFixture();
        var integer = fixture.Meter.CreateCounter<long>("hits");
        var real = fixture.Meter.CreateCounter<double>("weight");
        const int Threads = 8;
        const int PerThread = 50_000;
        using var start = new Barrier(Threads);

        var workers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(Timeout);
                for (var i = 0; i < PerThread; i++)
                {
                    // Alternate tag order and two tag sets, so lookups race on both new and existing series.
                    if (i % 2 == 0)
                    {
                        integer.Add(1, new KeyValuePair<string, object?>("a", "x"), new KeyValuePair<string, object?>("b", t % 2));
                    }
                    else
                    {
                        integer.Add(1, new KeyValuePair<string, object?>("b", t % 2), new KeyValuePair<string, object?>("a", "x"));
                    }

                    real.Add(0.5);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        var text = fixture.Collector.Scrape();

        Assert.Contains($"hits_total{{a=\"x\",b=\"0\"}} {Threads / 2 * PerThread}\n", text, StringComparison.Ordinal);
        Assert.Contains($"hits_total{{a=\"x\",b=\"1\"}} {Threads / 2 * PerThread}\n", text, StringComparison.Ordinal);
        Assert.Contains($"weight_total {Threads * PerThread / 2}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_ExistingSeries_AllocatesNothing()
    {
        using var fixture = new CollectorFixture();
        var counter = fixture.Meter.CreateCounter<long>("hot");
        var histogram = fixture.Meter.CreateHistogram<double>("hot.duration", unit: "s");
        var function = new KeyValuePair<string, object?>("function", "fn-a");
        var cluster = new KeyValuePair<string, object?>("cluster", "east");
        for (var i = 0; i < 100; i++)
        {
            counter.Add(1, function, cluster);
            histogram.Record(0.2, function, cluster);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            counter.Add(1, cluster, function);
            histogram.Record(0.2, function, cluster);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Contains("hot_total{cluster=\"east\",function=\"fn-a\"} 10100\n", fixture.Collector.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_InstrumentCreatedBeforeCollectorStarted_IsExported()
    {
        using var fixture = new CollectorFixture(startCollector: false);
        var counter = fixture.Meter.CreateCounter<int>("early");
        counter.Add(5);
        fixture.StartCollector();

        counter.Add(2);

        // Measurements made before anyone listened are lost by design of System.Diagnostics.Metrics.
        Assert.Contains("early_total 2\n", fixture.Collector.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_MeterOutsidePrefix_IsIgnored()
    {
        using var fixture = new CollectorFixture();
        using var other = new Meter("Other." + fixture.Prefix);
        other.CreateCounter<int>("foreign").Add(1);
        fixture.Meter.CreateCounter<int>("own").Add(1);

        var families = fixture.Collector.Collect();

        Assert.Equal(["own"], families.Select(f => f.Name));
    }

    [Fact]
    public void Collect_InstrumentNeverRecorded_NoFamilyWritten()
    {
        using var fixture = new CollectorFixture();
        fixture.Meter.CreateCounter<int>("idle");

        Assert.Equal(string.Empty, fixture.Collector.Scrape());
    }

    [Fact]
    public void Collect_ObservableStopsReportingSeries_SeriesDropped()
    {
        using var fixture = new CollectorFixture();
        var topics = new List<string> { "a", "b" };
        fixture.Meter.CreateObservableGauge(
            "backlog",
            () => topics.Select(t => new Measurement<long>(10, new KeyValuePair<string, object?>("topic", t))));

        var first = fixture.Collector.Scrape();
        topics.Remove("a");
        var second = fixture.Collector.Scrape();

        Assert.Contains("backlog{topic=\"a\"} 10\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("topic=\"a\"", second, StringComparison.Ordinal);
        Assert.Contains("backlog{topic=\"b\"} 10\n", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_ObservableCounter_ReportsLatestTotalNotSum()
    {
        using var fixture = new CollectorFixture();
        long total = 3;
        fixture.Meter.CreateObservableCounter("processed", () => total);

        fixture.Collector.Scrape();
        total = 5;
        var text = fixture.Collector.Scrape();

        Assert.Contains("# TYPE processed_total counter\nprocessed_total 5\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_ObservableCallbackThrows_OtherMetricsWrittenAndErrorLogged()
    {
        using var fixture = new CollectorFixture();
        fixture.Meter.CreateObservableGauge<int>("broken", (Func<int>)(() => throw new InvalidOperationException("callback bug")));
        fixture.Meter.CreateCounter<int>("fine").Add(1);

        var text = fixture.Collector.Scrape();

        Assert.Equal("# TYPE fine_total counter\nfine_total 1\n", text);
        var entry = Assert.Single(fixture.Logger.Entries, e => e.EventId == 4004);
        Assert.Equal(LogLevel.Error, entry.Level);
    }

    [Fact]
    public void Counter_NegativeOrNaNIncrement_DroppedAndLoggedOnce()
    {
        using var fixture = new CollectorFixture();
        var integer = fixture.Meter.CreateCounter<int>("ints");
        var real = fixture.Meter.CreateCounter<double>("reals");

        integer.Add(4);
        integer.Add(-1);
        integer.Add(-2);
        real.Add(1.5);
        real.Add(double.NaN);
        real.Add(-0.5);

        var text = fixture.Collector.Scrape();
        Assert.Contains("ints_total 4\n", text, StringComparison.Ordinal);
        Assert.Contains("reals_total 1.5\n", text, StringComparison.Ordinal);
        var rejected = fixture.Logger.Entries.Where(e => e.EventId == 4003).ToList();
        Assert.Equal(2, rejected.Count);
        Assert.Contains(rejected, e => e.Message.Contains("'ints'", StringComparison.Ordinal) && e.Message.Contains("-1", StringComparison.Ordinal));
        Assert.Contains(rejected, e => e.Message.Contains("'reals'", StringComparison.Ordinal) && e.Message.Contains("NaN", StringComparison.Ordinal));
    }

    [Fact]
    public void UpDownCounter_NegativeDeltas_Accepted()
    {
        using var fixture = new CollectorFixture();
        var counter = fixture.Meter.CreateUpDownCounter<long>("queue.depth");

        counter.Add(2);
        counter.Add(-5);

        Assert.Contains("# TYPE queue_depth gauge\nqueue_depth -3\n", fixture.Collector.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Histogram_NaNObservation_DroppedAndLogged()
    {
        using var fixture = new CollectorFixture();
        var histogram = fixture.Meter.CreateHistogram<double>("latency", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1] });

        histogram.Record(double.NaN);
        histogram.Record(0.5);
        histogram.Record(double.PositiveInfinity);

        var text = fixture.Collector.Scrape();
        Assert.Contains("latency_bucket{le=\"1\"} 1\nlatency_bucket{le=\"+Inf\"} 2\nlatency_sum +Inf\nlatency_count 2\n", text, StringComparison.Ordinal);
        Assert.Single(fixture.Logger.Entries, e => e.EventId == 4003);
    }

    [Fact]
    public void Record_BeyondMaxSeries_NewTagSetsDroppedExistingKept()
    {
        using var fixture = new CollectorFixture(maxSeriesPerInstrument: 2);
        var counter = fixture.Meter.CreateCounter<int>("requests");

        counter.Add(1, new KeyValuePair<string, object?>("id", 1));
        counter.Add(1, new KeyValuePair<string, object?>("id", 2));
        counter.Add(1, new KeyValuePair<string, object?>("id", 3));
        counter.Add(1, new KeyValuePair<string, object?>("id", 4));
        counter.Add(1, new KeyValuePair<string, object?>("id", 1));

        var family = Assert.Single(fixture.Collector.Collect());
        Assert.Equal(2, family.Series.Count);
        Assert.Contains("requests_total{id=\"1\"} 2\n", fixture.Collector.Scrape(), StringComparison.Ordinal);
        var entry = Assert.Single(fixture.Logger.Entries, e => e.EventId == 4002);
        Assert.Contains("'requests'", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_MeterDisposed_InstrumentsRemoved()
    {
        using var fixture = new CollectorFixture();
        using (var shortLived = new Meter(fixture.Prefix + ".ShortLived"))
        {
            shortLived.CreateCounter<int>("gone").Add(1);
            Assert.Single(fixture.Collector.Collect());
        }

        Assert.Empty(fixture.Collector.Collect());
    }

    [Fact]
    public void Dispose_Collector_StopsListeningAndRejectsCollect()
    {
        using var fixture = new CollectorFixture();
        var counter = fixture.Meter.CreateCounter<int>("after");
        counter.Add(1);

        fixture.Collector.Dispose();
        counter.Add(1);

        Assert.False(counter.Enabled);
        Assert.Throws<ObjectDisposedException>(() => fixture.Collector.Collect());
    }

    [Fact]
    public void Scrape_SameNameInTwoMeters_MergedIntoOneFamily()
    {
        using var fixture = new CollectorFixture();
        using var second = new Meter(fixture.Prefix + ".Second");
        fixture.Meter.CreateCounter<int>("jobs", description: "Jobs run.").Add(1, new KeyValuePair<string, object?>("worker", "a"));
        second.CreateCounter<int>("jobs", description: "Jobs run elsewhere.").Add(2, new KeyValuePair<string, object?>("worker", "b"));

        var text = fixture.Collector.Scrape();

        Assert.Equal(
            "# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total{worker=\"a\"} 1\njobs_total{worker=\"b\"} 2\n",
            text);
        Assert.Empty(ExpositionChecker.Check(text));
    }

    [Fact]
    public void Scrape_SameNameDifferentType_SecondSkippedCommentedAndLoggedOnce()
    {
        using var fixture = new CollectorFixture();
        using var second = new Meter(fixture.Prefix + ".Second");
        fixture.Meter.CreateCounter<int>("jobs").Add(1);
        second.CreateUpDownCounter<int>("jobs_total").Add(7);

        var text = fixture.Collector.Scrape();
        fixture.Collector.Scrape();

        Assert.Equal(
            $"# MeshScaler: instrument 'jobs_total' of meter '{fixture.Prefix}.Second' (gauge) skipped: 'jobs_total' is already a counter\n"
            + "# TYPE jobs_total counter\njobs_total 1\n",
            text);
        Assert.Empty(ExpositionChecker.Check(text));
        Assert.Single(fixture.Logger.Entries, e => e.EventId == 4005);
    }

    /// <summary>The deterministic instrument set behind Payloads/golden-exposition.txt.</summary>
    private static void RecordGoldenInstruments(Meter meter)
    {
        // A counter with tags, passed in different orders for the same set.
        var decisions = meter.CreateCounter<long>("meshscaler.scale.decisions", description: "Scaling decisions made.");
        decisions.Add(3, new("function", "fn-a"), new("direction", "up"));
        decisions.Add(1, new("direction", "down"), new("function", "fn-a"));
        decisions.Add(2, new("direction", "up"), new("function", "fn-b"));
        decisions.Add(1, new KeyValuePair<string, object?>("direction", "up"), new KeyValuePair<string, object?>("function", "fn-a"));

        // A histogram in seconds with custom boundaries; 0.25 sits on a boundary (le is inclusive).
        var duration = meter.CreateHistogram<double>(
            "meshscaler.admin.request.duration",
            unit: "s",
            description: "Pulsar admin request duration.\nOne series per cluster.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 1] });
        duration.Record(0.125, new KeyValuePair<string, object?>("cluster", "east"));
        duration.Record(0.25, new KeyValuePair<string, object?>("cluster", "east"));
        duration.Record(0.75, new KeyValuePair<string, object?>("cluster", "east"));
        duration.Record(2, new KeyValuePair<string, object?>("cluster", "east"));
        duration.Record(0.5, new KeyValuePair<string, object?>("cluster", "west"));

        // A histogram without advice gets the default seconds boundaries.
        meter.CreateHistogram<int>("meshscaler.batch.size", unit: "{message}").Record(3);

        // A counter already named *_total, with bool and double tag values.
        var bytes = meter.CreateCounter<double>("meshscaler.bytes_total", unit: "By", description: "Bytes read, \"raw\" \\ compressed.");
        bytes.Add(1.5, new KeyValuePair<string, object?>("cached", true), new KeyValuePair<string, object?>("ratio", 0.5));
        bytes.Add(2.25, new KeyValuePair<string, object?>("cached", true), new KeyValuePair<string, object?>("ratio", 0.5));

        // An up-down counter whose label value needs escaping.
        var inflight = meter.CreateUpDownCounter<int>("meshscaler.inflight.requests");
        inflight.Add(5, new KeyValuePair<string, object?>("path", "/x\"y\\z\nw"));
        inflight.Add(-2, new KeyValuePair<string, object?>("path", "/x\"y\\z\nw"));

        // An observable gauge with NaN and infinities.
        meter.CreateObservableGauge(
            "meshscaler.lag.ratio",
            () => new[]
            {
                new Measurement<double>(0.1, new KeyValuePair<string, object?>("topic", "persistent://public/default/in")),
                new Measurement<double>(double.NaN, new KeyValuePair<string, object?>("topic", "nan")),
                new Measurement<double>(double.PositiveInfinity, new KeyValuePair<string, object?>("topic", "pos")),
                new Measurement<double>(double.NegativeInfinity, new KeyValuePair<string, object?>("topic", "neg")),
            },
            description: "Lag ratio.");

        // A synchronous gauge with a unit that adds no suffix.
        meter.CreateGauge<long>("meshscaler.replicas", unit: "{replica}").Record(7, new KeyValuePair<string, object?>("function", "fn-a"));

        // An observable counter in seconds: *_seconds_total.
        meter.CreateObservableCounter("meshscaler.uptime", () => 42L, unit: "s", description: "Seconds since start.");

        // Metric and label names needing sanitizing.
        meter.CreateCounter<int>("2xx-responses/sec").Add(
            9,
            new KeyValuePair<string, object?>("http.status-code", 200),
            new KeyValuePair<string, object?>("__reserved", "r"),
            new KeyValuePair<string, object?>("9lives", "cat"));
    }
}
