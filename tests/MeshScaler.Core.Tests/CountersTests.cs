using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class CountersTests
{
    [Fact]
    public void SumOrNull_AllKnown_Sums() => Assert.Equal(12, Counters.SumOrNull([5, 7]));

    [Fact]
    public void SumOrNull_AnyMissing_IsNull() => Assert.Null(Counters.SumOrNull([5, null, 7]));

    [Fact]
    public void SumOrNull_Empty_IsZero() => Assert.Equal(0, Counters.SumOrNull([]));
}
