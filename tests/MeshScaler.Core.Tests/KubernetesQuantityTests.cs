using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class KubernetesQuantityTests
{
    /// <summary>Value, canonical DecimalSI form: the reference sheet's table, then the edges.</summary>
    public static TheoryData<string, double, string> Canonical => new()
    {
        { "fraction as milli", 1.5, "1500m" },
        { "whole", 2, "2" },
        { "not a whole thousand stays plain", 1500, "1500" },
        { "whole thousands take k", 2000, "2k" },
        { "half", 0.5, "500m" },
        { "zero", 0, "0" },
        { "finer than milli rounds up", 0.0001, "1m" },
        { "a backlog of one entry", 1, "1" },
        { "millions", 3_000_000, "3M" },
        { "not whole millions", 3_500_000, "3500k" },
        { "negative", -1.5, "-1500m" },
        { "negative finer rounds away from zero", -0.0001, "-1m" },
        { "rate with decimals", 123.4567, "123457m" },
        { "exa", 9e18 / 1000, "9P" },
    };

    [Theory]
    [MemberData(nameof(Canonical))]
    public void Format_WritesTheCanonicalDecimalSIForm(string name, double value, string expected)
    {
        Assert.True(name.Length > 0);
        Assert.Equal(expected, KubernetesQuantity.Format(value));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1e19)]
    public void Format_NoQuantity_Throws(double value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KubernetesQuantity.Format(value));
    }

    /// <summary>Text, value: every form apimachinery reads.</summary>
    public static TheoryData<string, string, decimal> Readable => new()
    {
        { "plain", "12", 12m },
        { "non-canonical milli", "12000m", 12m },
        { "bare decimal", "1.5", 1.5m },
        { "kilo", "2k", 2000m },
        { "mega", "3M", 3_000_000m },
        { "nano", "5n", 0.000000005m },
        { "micro", "7u", 0.000007m },
        { "binary", "1.5Gi", 1_610_612_736m },
        { "kibi", "1Ki", 1024m },
        { "exponent", "1e3", 1000m },
        { "negative exponent", "15E-1", 1.5m },
        { "signed", "+2", 2m },
        { "negative", "-500m", -0.5m },
    };

    [Theory]
    [MemberData(nameof(Readable))]
    public void TryParse_ReadsEveryForm(string name, string text, decimal expected)
    {
        Assert.True(KubernetesQuantity.TryParse(text, out var value, out var error), $"{name}: {error}");
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("", "is not a quantity")]
    [InlineData("abc", "is not a quantity")]
    [InlineData("1K", "unknown suffix 'K'")]
    [InlineData("1Kb", "is not a quantity")]
    [InlineData("..", "is not a number")]
    [InlineData("1 k", "is not a quantity")]
    public void TryParse_Garbage_FailsNamingIt(string text, string expected)
    {
        Assert.False(KubernetesQuantity.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains($"'{text}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(1.5)]
    [InlineData(42)]
    [InlineData(123456.789)]
    [InlineData(5e12)]
    public void Format_ThenTryParse_RoundTripsToTheMilli(double value)
    {
        Assert.True(KubernetesQuantity.TryParse(KubernetesQuantity.Format(value), out var parsed, out _));
        Assert.Equal(Math.Ceiling((decimal)value * 1000) / 1000, parsed);
    }
}
