using Microsoft.Extensions.Primitives;

namespace MeshScaler.Grpc.Tests;

public sealed class GrpcProtocolHelpersTests
{
    public static TheoryData<string, TimeSpan> ValidTimeouts => new()
    {
        { "1H", TimeSpan.FromHours(1) },
        { "2M", TimeSpan.FromMinutes(2) },
        { "30S", TimeSpan.FromSeconds(30) },
        { "250m", TimeSpan.FromMilliseconds(250) },
        { "1500u", TimeSpan.FromMicroseconds(1500) },
        { "1000n", TimeSpan.FromTicks(10) },
        { "00000005S", TimeSpan.FromSeconds(5) },
        { "99999999H", TimeSpan.FromHours(99999999) },
    };

    [Theory]
    [MemberData(nameof(ValidTimeouts))]
    public void TryParseTimeout_Valid_Parses(string value, TimeSpan expected)
    {
        Assert.True(GrpcProtocolHelpers.TryParseTimeout(value, out var timeout));
        Assert.Equal(expected, timeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("5")]
    [InlineData("123456789S")]
    [InlineData("5s")]
    [InlineData("-5S")]
    [InlineData("5 S")]
    [InlineData("1.5S")]
    public void TryParseTimeout_Invalid_False(string value)
    {
        Assert.False(GrpcProtocolHelpers.TryParseTimeout(value, out _));
    }

    [Fact]
    public void TryParseTimeout_TwoValues_False()
    {
        Assert.False(GrpcProtocolHelpers.TryParseTimeout(new StringValues(["1S", "2S"]), out _));
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("", "")]
    [InlineData("50%", "50%25")]
    [InlineData("tab\there", "tab%09here")]
    [InlineData("é", "%C3%A9")]
    [InlineData("~ and space", "~ and space")]
    [InlineData("\u007F", "%7F")]
    public void PercentEncode_Cases_MatchSpec(string message, string expected)
    {
        Assert.Equal(expected, GrpcProtocolHelpers.PercentEncode(message));
    }

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("Application/GRPC", true)]
    [InlineData("application/grpc;charset=utf-8", true)]
    [InlineData("application/grpc+proto; x=y", true)]
    [InlineData("application/grpc+json", false)]
    [InlineData("application/grpcx", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void IsGrpcContentType_Cases(string? contentType, bool expected)
    {
        Assert.Equal(expected, GrpcProtocolHelpers.IsGrpcContentType(contentType));
    }
}
