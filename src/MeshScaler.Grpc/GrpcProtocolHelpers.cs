using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace MeshScaler.Grpc;

/// <summary>Pieces of grpc/grpc doc/PROTOCOL-HTTP2.md that are plain text handling.</summary>
internal static class GrpcProtocolHelpers
{
    public const string GrpcContentType = "application/grpc";
    public const string StatusTrailer = "grpc-status";
    public const string MessageTrailer = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string SupportedEncodings = "identity,gzip";

    private const string HexUpper = "0123456789ABCDEF";

    /// <summary>
    /// A Trailers-Only response: HTTP 200, the gRPC content type and the status in the one HEADERS frame, which also
    /// ends the stream. For a call that fails before any message is written.
    /// </summary>
    public static void WriteTrailersOnly(HttpResponse response, StatusCode status, string? message)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcContentType;
        WriteStatusHeaders(response, status, message);
    }

    /// <summary>The gRPC status as response headers (Trailers-Only, or beside an HTTP refusal for gRPC clients).</summary>
    public static void WriteStatusHeaders(HttpResponse response, StatusCode status, string? message)
    {
        response.Headers[StatusTrailer] = ((int)status).ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(message))
        {
            response.Headers[MessageTrailer] = PercentEncode(message);
        }
    }

    /// <summary>
    /// True for <c>application/grpc</c> and <c>application/grpc+proto</c>, each optionally followed by <c>;params</c>.
    /// Other subtypes (e.g. +json) name a codec this server does not speak.
    /// </summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(GrpcContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = contentType.AsSpan(GrpcContentType.Length);
        if (rest.StartsWith("+proto", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest["+proto".Length..];
        }

        return rest.IsEmpty || rest[0] == ';';
    }

    /// <summary>
    /// Parses <c>grpc-timeout</c>: 1 to 8 ASCII digits then one unit of H, M, S, m, u, n.
    /// Returns false for anything else.
    /// </summary>
    public static bool TryParseTimeout(StringValues values, out TimeSpan timeout)
    {
        timeout = default;
        if (values.Count != 1 || values[0] is not { Length: >= 2 and <= 9 } text)
        {
            return false;
        }

        long amount = 0;
        for (var i = 0; i < text.Length - 1; i++)
        {
            var c = text[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            amount = (amount * 10) + (c - '0');
        }

        // Eight digits cap the amount, so even 99999999H (3.6e18 ticks) fits in a TimeSpan.
        timeout = text[^1] switch
        {
            'H' => TimeSpan.FromTicks(amount * TimeSpan.TicksPerHour),
            'M' => TimeSpan.FromTicks(amount * TimeSpan.TicksPerMinute),
            'S' => TimeSpan.FromTicks(amount * TimeSpan.TicksPerSecond),
            'm' => TimeSpan.FromTicks(amount * TimeSpan.TicksPerMillisecond),
            'u' => TimeSpan.FromTicks(amount * TimeSpan.TicksPerMicrosecond),
            'n' => TimeSpan.FromTicks(amount / TimeSpan.NanosecondsPerTick),
            _ => TimeSpan.MinValue,
        };
        return timeout != TimeSpan.MinValue;
    }

    /// <summary>
    /// Percent-encodes a status message as the spec asks: UTF-8, then every byte outside 0x20-0x7E and '%' itself
    /// becomes %XX (upper-case hex).
    /// </summary>
    public static string PercentEncode(string message)
    {
        var needsEncoding = false;
        foreach (var c in message)
        {
            if (c is < ' ' or > '~' or '%')
            {
                needsEncoding = true;
                break;
            }
        }

        if (!needsEncoding)
        {
            return message;
        }

        var bytes = Encoding.UTF8.GetBytes(message);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7E or (byte)'%')
            {
                builder.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
            }
            else
            {
                builder.Append((char)b);
            }
        }

        return builder.ToString();
    }
}
