using MeshScaler.Core;

namespace MeshScaler.Prometheus.Tests;

public sealed class RunnerMetricsReaderTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private sealed record Case(string File, ExpositionFormat Format, ComponentKind Kind, string Fqfn, RunnerSample Expected);

    private static RunnerSample Expect(string instance, double? received, double? processed, double? user, double? system, double? latencySum, double? latencyCount) =>
        new("pod-x", instance, received, processed, user, system, latencySum, latencyCount, At);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["java 3.x text, trailing commas and _created families"] = new("java-3x.txt", ExpositionFormat.Text, ComponentKind.Function, "public/default/order-enricher", Expect("0", 45012, 44075, 2, 0, 171840.55312, 44077)),
        ["java 2.10 text, old _total_1min names and ts labels"] = new("java-2.10.txt", ExpositionFormat.Text, ComponentKind.Function, "public/default/order-enricher", Expect("1", 1200, 1190, 9, 1, 2975, 1190)),
        ["java OpenMetrics, exemplar and # EOF"] = new("java-openmetrics.txt", ExpositionFormat.OpenMetrics, ComponentKind.Function, "public/default/order-enricher", Expect("0", 45012, 44075, 2, 0, 171840.55312, 44077)),
        ["python, sorted labels and _total_1min_total"] = new("python.txt", ExpositionFormat.Text, ComponentKind.Function, "public/default/order-enricher", Expect("2", 5000, 4990, 10, 0, 49900, 4990)),
        ["go, counters typed gauge, no quantiles"] = new("go.txt", ExpositionFormat.Text, ComponentKind.Function, "public/default/order-enricher", Expect("3", 401, 400, 1, 0, 1234.5, 400)),
        ["java sink, written is processed"] = new("java-sink.txt", ExpositionFormat.Text, ComponentKind.Sink, "public/default/es-sink", Expect("0", 900, 880, 3, 0, null, null)),
    };

    public static TheoryData<string> Golden => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Golden))]
    public void Read_GoldenExposition_ExactCounters(string name)
    {
        var golden = Cases[name];

        var sample = RunnerMetricsReader.Read(Payload(golden.File), golden.Format, golden.Kind, golden.Fqfn, "pod-x", At);

        Assert.Equal(golden.Expected, sample);
    }

    [Fact]
    public void Read_OtherFunctionsSeries_IsMissingDataNamingTheFunction()
    {
        var error = Assert.Throws<ScalingException>(() =>
            RunnerMetricsReader.Read(Payload("java-3x.txt"), ExpositionFormat.Text, ComponentKind.Function, "public/default/other", "other-function-0", At));

        Assert.Equal(ScalingErrorKind.Unavailable, error.Kind);
        Assert.Contains("other-function-0", error.Message, StringComparison.Ordinal);
        Assert.Contains("public/default/other", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FunctionExpositionReadAsSink_IsMissingData()
    {
        var error = Assert.Throws<ScalingException>(() =>
            RunnerMetricsReader.Read(Payload("java-3x.txt"), ExpositionFormat.Text, ComponentKind.Sink, "public/default/order-enricher", "p", At));

        Assert.Contains("pulsar_sink_written_total", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WithoutFqfnLabel_MatchesTenantNamespaceAndName()
    {
        const string text = "pulsar_function_processed_successfully_total{tenant=\"t\",namespace=\"t/ns\",name=\"f\",instance_id=\"0\"} 7\n";

        var sample = RunnerMetricsReader.Read(text, ExpositionFormat.Text, ComponentKind.Function, "t/ns/f", "p", At);

        Assert.Equal(7, sample.Processed);
        Assert.Null(sample.Received);
    }

    [Fact]
    public void Read_OneMinuteSeriesOnly_IsNeverTakenForTheCounter()
    {
        // Old and new one-minute spellings reset every minute: a page with only those has no cumulative counter.
        const string text =
            "pulsar_function_processed_successfully_total_1min{fqfn=\"t/ns/f\"} 7\n" +
            "pulsar_function_processed_successfully_1min_total{fqfn=\"t/ns/f\"} 7\n" +
            "pulsar_function_received_total_1min_total{fqfn=\"t/ns/f\"} 7\n";

        Assert.Throws<ScalingException>(() => RunnerMetricsReader.Read(text, ExpositionFormat.Text, ComponentKind.Function, "t/ns/f", "p", At));
    }

    internal static string Payload(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", file));
}
