namespace MeshScaler.FunctionalTests.Metrics;

/// <summary>The checker must reject what it is meant to reject, or passing it proves nothing.</summary>
public sealed class ExpositionCheckerTests
{
    public static TheoryData<string, string> InvalidExpositions => new()
    {
        { "sample before TYPE", "g 1\n" },
        { "invalid metric name", "# TYPE 1g gauge\n1g 1\n" },
        { "unescaped quote in label value", "# TYPE g gauge\ng{a=\"x\"y\"} 1\n" },
        { "bad value", "# TYPE g gauge\ng 1,5\n" },
        { "infinity without sign", "# TYPE g gauge\ng Inf\n" },
        { "missing final newline", "# TYPE g gauge\ng 1" },
        { "family twice", "# TYPE g gauge\ng 1\n# TYPE h gauge\nh 1\n# TYPE g gauge\n" },
        { "sample of another family", "# TYPE g gauge\nh 1\n" },
        { "duplicate sample", "# TYPE g gauge\ng{a=\"1\"} 1\ng{a=\"1\"} 2\n" },
        { "duplicate label", "# TYPE g gauge\ng{a=\"1\",a=\"2\"} 1\n" },
        { "reserved label", "# TYPE g gauge\ng{__a=\"1\"} 1\n" },
        { "histogram without +Inf", "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n" },
        { "histogram not cumulative", "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n" },
        { "histogram count differs", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 2\n" },
        { "empty line", "# TYPE g gauge\n\ng 1\n" },
    };

    [Theory]
    [MemberData(nameof(InvalidExpositions))]
    public void Check_InvalidExposition_Reported(string scenario, string text)
    {
        Assert.True(ExpositionChecker.Check(text).Count > 0, scenario);
    }

    [Fact]
    public void Check_ValidExposition_NoErrors()
    {
        const string Text = "# a comment\n# HELP g Help with \\\\ and \\n.\n# TYPE g gauge\ng{a=\"x\\\"y\"} -1.5e+3\ng NaN\n";

        Assert.Empty(ExpositionChecker.Check(Text));
    }
}
