namespace MeshScaler.Prometheus.Tests;

public sealed class PrometheusFormatTests
{
    public static TheoryData<string, double, string> Doubles => new()
    {
        { "NaN", double.NaN, "NaN" },
        { "positive infinity", double.PositiveInfinity, "+Inf" },
        { "negative infinity", double.NegativeInfinity, "-Inf" },
        { "integral double has no decimals", 3.0, "3" },
        { "shortest round-trip", 0.1, "0.1" },
        { "full precision kept", 0.1 + 0.2, "0.30000000000000004" },
        { "negative", -2.5, "-2.5" },
        { "tiny", 1e-7, "1E-07" },
        { "huge", 1e21, "1E+21" },
        { "max", double.MaxValue, "1.7976931348623157E+308" },
    };

    public static TheoryData<string, object?, string> TagValues => new()
    {
        { "null is empty", null, "" },
        { "string as is", "fn-a", "fn-a" },
        { "bool lower case", true, "true" },
        { "int invariant", -1234567, "-1234567" },
        { "double round-trip", 0.5, "0.5" },
        { "double NaN", double.NaN, "NaN" },
        { "decimal invariant", 1.25m, "1.25" },
        { "guid via ToString", new Guid("8c1b6f7e-0000-0000-0000-000000000001"), "8c1b6f7e-0000-0000-0000-000000000001" },
    };

    [Theory]
    [MemberData(nameof(Doubles))]
    public void FormatDouble_Case_Expected(string scenario, double value, string expected)
    {
        Assert.True(expected == PrometheusFormat.FormatDouble(value), scenario);
    }

    [Theory]
    [MemberData(nameof(TagValues))]
    public void FormatTagValue_Case_Expected(string scenario, object? value, string expected)
    {
        Assert.True(expected == PrometheusFormat.FormatTagValue(value), scenario);
    }

    [Fact]
    public void FormatValue_LargeInteger_ExactWithoutExponent()
    {
        Assert.Equal("9223372036854775807", PrometheusFormat.FormatValue(MetricValue.FromInt64(long.MaxValue)));
    }

    [Fact]
    public void EscapeLabelValue_SpecialCharacters_Escaped()
    {
        Assert.Equal(@"a\\b\""c\nd", PrometheusFormat.EscapeLabelValue("a\\b\"c\nd"));
    }

    [Fact]
    public void EscapeHelp_SpecialCharacters_QuoteKept()
    {
        Assert.Equal(@"a\\b""c\nd", PrometheusFormat.EscapeHelp("a\\b\"c\nd"));
    }
}
