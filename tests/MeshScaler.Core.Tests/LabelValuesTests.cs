using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class LabelValuesTests
{
    /// <summary>Name, Pulsar name, its label value.</summary>
    public static TheoryData<string, string, string> Escaped => new()
    {
        { "plain topic name stays", "orders", "orders" },
        { "dashes and dots inside stay", "orders-eu.v2", "orders-eu.v2" },
        { "a Function's subscription", "public/default/enricher", "public_2fdefault_2fenricher" },
        { "underscore is escaped, so escapes are unambiguous", "my_sub", "my_5fsub" },
        { "colon and equals", "a:b=c", "a_3ab_3dc" },
        { "a dash at the end", "x-", "x_2d" },
        { "non-ASCII as UTF-8 bytes", "zürich", "z_c3_bcrich" },
    };

    [Theory]
    [MemberData(nameof(Escaped))]
    public void Escape_IsAValidLabelValue_AndUnescapesBack(string name, string pulsarName, string expected)
    {
        var value = LabelValues.Escape(pulsarName);

        Assert.Equal(expected, value);
        Assert.True(LabelSelector.TryParse($"k={value}", out _, out var error), $"{name}: {error}");
        Assert.True(LabelValues.TryUnescape(value!, out var back));
        Assert.Equal(pulsarName, back);
    }

    [Theory]
    [InlineData("public/default/x", "public_default_x")]
    [InlineData("a_b", "a/b")]
    [InlineData("a.b", "a_2eb")]
    public void DifferentNames_NeverShareAValue(string one, string other)
    {
        Assert.NotEqual(LabelValues.Escape(one), LabelValues.Escape(other));
    }

    [Theory]
    [InlineData("a_2")]
    [InlineData("a_zz")]
    [InlineData("a_")]
    [InlineData("_6f")]
    [InlineData("a_c3")]
    public void TryUnescape_NotAValueEscapeWrites_Fails(string value)
    {
        Assert.False(LabelValues.TryUnescape(value, out _));
    }

    [Theory]
    [InlineData("-x")]
    [InlineData("_sub")]
    [InlineData("")]
    [InlineData("über")]
    public void Escape_NotBeginningWithALetterOrDigit_HasNoValue(string name)
    {
        Assert.Null(LabelValues.Escape(name));
    }

    [Fact]
    public void Escape_TooLong_IsNull()
    {
        Assert.Null(LabelValues.Escape(new string('a', 64)));
        Assert.NotNull(LabelValues.Escape(new string('a', 63)));
    }
}
