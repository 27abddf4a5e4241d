using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class DurationsTests
{
    public static TheoryData<string, string?, double?> Cases => new()
    {
        { "bare number is seconds, never days", "5", 5 },
        { "fraction of a second", "1.5", 1.5 },
        { "zero", "0", 0 },
        { "milliseconds", "500ms", 0.5 },
        { "seconds", "30s", 30 },
        { "minutes", "15m", 900 },
        { "hours", "6h", 21600 },
        { "combined", "1h30m", 5400 },
        { "combined with milliseconds", "1s250ms", 1.25 },
        { "clock time", "00:00:05", 5 },
        { "clock time with days", "1.00:00:00", 86400 },
        { "clock time with fraction", "00:00:00.250", 0.25 },
        { "surrounding spaces", " 5s ", 5 },
        { "negative", "-1", null },
        { "negative clock time", "-00:00:05", null },
        { "unknown unit", "5d", null },
        { "unit without number", "s", null },
        { "number without unit after a unit", "1h30", null },
        { "upper-case unit", "5S", null },
        { "not a number", "soon", null },
        { "NaN", "NaN", null },
        { "infinity", "Infinity", null },
        { "too long", "1e300", null },
        { "empty", "", null },
        { "null", null, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TryParse_ReadsOneWayEverywhere(string scenario, string? text, double? seconds)
    {
        var ok = Durations.TryParse(text, out var duration);

        Assert.True(ok == seconds.HasValue, scenario);
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : TimeSpan.Zero, duration);
    }
}
