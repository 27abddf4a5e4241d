using System.Text;
using MeshScaler.MetricsApi;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>
/// The upstream adapter's HTTP/1.x answer as MeshScaler reads it: what a broken or malicious adapter can send is a
/// <see cref="FormatException"/> naming the fault (a 503 to the caller), never a crash, a 500 or a short body passed on.
/// </summary>
public sealed class UpstreamAnswerTests
{
    private const string Head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";

    /// <summary>Named answers that are refused, and words the error must hold.</summary>
    public static TheoryData<string, string, string> Refused => new()
    {
        { "a chunk size that would overflow past the bounds check", Head + "Transfer-Encoding: chunked\r\n\r\n7fffffff\r\n{}\r\n0\r\n\r\n", "chunked answer is malformed" },
        { "a chunk longer than what came", Head + "Transfer-Encoding: chunked\r\n\r\n10\r\n{}\r\n0\r\n\r\n", "chunked answer is malformed" },
        { "a chunk size that is not hex", Head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", "chunked answer is malformed" },
        { "a body shorter than its Content-Length", Head + "Content-Length: 100\r\n\r\n{}", "ended after 2 of the 100 bytes its Content-Length promised" },
        { "a Content-Length that is not a number", Head + "Content-Length: 1e3\r\n\r\n{}", "its Content-Length \"1e3\" is not a length" },
        { "a negative Content-Length", Head + "Content-Length: -1\r\n\r\n{}", "is not a length" },
        { "a Content-Length past the bound", Head + "Content-Length: 99999999999\r\n\r\n{}", "is not a length up to 16 MiB" },
        { "no end of header", Head + "Content-Length: 2\r\n", "has no complete header" },
        { "not HTTP", "SSH-2.0-OpenSSH_9.6\r\n\r\n", "does not start with an HTTP/1.x status line" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Parse_Refuses_NamingTheFault(string name, string raw, string expected)
    {
        var error = Assert.Throws<FormatException>(() => UpstreamAdapter.Answer.Parse(Encoding.ASCII.GetBytes(raw)));

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {error.Message}");
    }

    [Theory]
    [InlineData("Content-Length, then bytes past it (an adapter that kept the connection open)", Head + "Content-Length: 2\r\n\r\n{}garbage")]
    [InlineData("chunked, with an extension", Head + "Transfer-Encoding: chunked\r\n\r\n1;x=y\r\n{\r\n1\r\n}\r\n0\r\n\r\n")]
    [InlineData("HTTP/1.0, to the end of the connection", "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{}")]
    [InlineData("a Transfer-Encoding other than chunked wins over a Content-Length: to the end", Head + "Transfer-Encoding: identity\r\nContent-Length: 1\r\n\r\n{}")]
    public void Parse_ReadsTheBody(string name, string raw)
    {
        var answer = UpstreamAdapter.Answer.Parse(Encoding.ASCII.GetBytes(raw));

        Assert.True(Encoding.ASCII.GetString(answer.Body.Span) == "{}", name);
        Assert.Equal(200, answer.Code);
        Assert.Equal("application/json", answer.ContentType);
    }

    [Theory]
    [InlineData("the header not yet complete", Head + "Content-Len", false, null)]
    [InlineData("a Content-Length: header and body", Head + "Content-Length: 2\r\n\r\n", true, 72L)]
    [InlineData("chunked: read to the end", Head + "Transfer-Encoding: chunked\r\n\r\n", true, null)]
    [InlineData("no length: read to the end", Head + "\r\n", true, null)]
    public void TryReadLength_StopsReadingAtTheBodysEnd(string name, string received, bool headerRead, long? expected)
    {
        var read = UpstreamAdapter.Answer.TryReadLength(Encoding.ASCII.GetBytes(received), out var length);

        Assert.True(headerRead == read, name);
        Assert.True(expected == length, $"{name}: {length}");
    }
}
