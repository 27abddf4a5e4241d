namespace MeshScaler.Prometheus.Tests;

public sealed class ExpositionParserTests
{
    public static TheoryData<string, string, int, string> Malformed => new()
    {
        // name, text, line, what the message says
        { "value missing", "a 1\nb{x=\"1\"}\n", 2, "expected a space and a value" },
        { "value not a number", "a 1\nb{x=\"1\"} one\n", 2, "invalid value \"one\"" },
        { "unterminated label value", "a{x=\"1} 2\n", 1, "unterminated value of label x" },
        { "label without quotes", "a{x=1} 2\n", 1, "expected a quoted value for label x" },
        { "duplicated label", "a{x=\"1\",x=\"2\"} 2\n", 1, "label x appears twice" },
        { "bad metric name", "9a 1\n", 1, "expected a metric name" },
        { "unknown type", "# TYPE a countr\n", 1, "unknown metric type \"countr\"" },
        { "text after the value", "a 1 2 3\n", 1, "unexpected text after the value" },
        { "bad timestamp", "a 1 soon\n", 1, "invalid timestamp \"soon\"" },
        { "html error page", "<html><body>502 Bad Gateway</body></html>\n", 1, "expected a metric name" },
        { "label set not closed", "a{x=\"1\" 2\n", 1, "expected ',' or '}'" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_MalformedLine_NamesTheLine(string name, string text, int line, string message)
    {
        var error = Assert.Throws<ExpositionFormatException>(() => ExpositionParser.Parse(text, ExpositionFormat.Text));

        Assert.True(error.Line == line, $"{name}: line {error.Line}");
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"line {line}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ContentAfterEof_IsRefusedInOpenMetrics()
    {
        var error = Assert.Throws<ExpositionFormatException>(() => ExpositionParser.Parse("a_total 1\n# EOF\na_total 2\n", ExpositionFormat.OpenMetrics));

        Assert.Equal(3, error.Line);
        Assert.Contains("after # EOF", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ToleratedForms_ReadExactly()
    {
        const string text =
            "# a comment\r\n" +
            "\n" +
            "  x{a=\"q\\\"uote\\\\back\\nline\",b=\"\\d\",} 1.5E3 1747214531927\r\n" +
            "y +Inf\n" +
            "z{} -inf\n" +
            "w nan\n" +
            "v{ a = \"1\" , } 2\n";

        var exposition = ExpositionParser.Parse(text, ExpositionFormat.Text);

        var x = exposition.Samples[0];
        Assert.Equal("x", x.Name);
        Assert.Equal(1500, x.Value);
        Assert.Equal("q\"uote\\back\nline", x.Label("a"));
        Assert.Equal("\\d", x.Label("b"));
        Assert.Equal(double.PositiveInfinity, exposition.Samples[1].Value);
        Assert.Equal(double.NegativeInfinity, exposition.Samples[2].Value);
        Assert.True(double.IsNaN(exposition.Samples[3].Value));
        Assert.Equal("1", exposition.Samples[4].Label("a"));
    }

    [Fact]
    public void Parse_KeepFilter_ReturnsOnlyKeptSamplesButChecksEveryLine()
    {
        var kept = ExpositionParser.Parse("a 1\nb 2\n", ExpositionFormat.Text, name => name == "b");
        Assert.Equal("b", Assert.Single(kept.Samples).Name);

        Assert.Throws<ExpositionFormatException>(() => ExpositionParser.Parse("a{x=\"1\" 1\nb 2\n", ExpositionFormat.Text, name => name == "b"));
    }

    [Fact]
    public void Parse_Types_AreRecordedPerFamily()
    {
        var exposition = ExpositionParser.Parse(RunnerMetricsReaderTests.Payload("go.txt"), ExpositionFormat.Text);

        Assert.Equal("gauge", exposition.Types["pulsar_function_processed_successfully_total"]);
        Assert.Equal("summary", exposition.Types["pulsar_function_process_latency_ms"]);
        Assert.Equal(9, exposition.Samples.Count);
    }

    [Theory]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionFormat.OpenMetrics)]
    [InlineData("text/plain; version=0.0.4; charset=utf-8", ExpositionFormat.Text)]
    [InlineData(null, ExpositionFormat.Text)]
    public void FromContentType_ChoosesTheParser(string? contentType, ExpositionFormat expected) =>
        Assert.Equal(expected, ExpositionFormats.FromContentType(contentType));
}
