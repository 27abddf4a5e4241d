using System.Net;
using System.Text;
using System.Text.Json;
using MeshScaler.Core;
using Microsoft.AspNetCore.WebUtilities;

namespace MeshScaler.Pulsar;

/// <summary>
/// Maps Pulsar admin HTTP failures to <see cref="ScalingException"/>. Messages name the cluster and the URL path and
/// quote at most Pulsar's one-line reason: never a body, a stack trace, a header or a URL's userinfo or query.
/// </summary>
internal static class PulsarErrors
{
    /// <summary>HTTP statuses worth retrying: request timeout, too many requests, and every 5xx.</summary>
    public static bool IsTransientStatus(int code) => code is 408 or 429 or >= 500;

    private const int MaxReasonLength = 300;

    public static ScalingException FromResponse(string cluster, string path, HttpStatusCode status, string? mediaType, ReadOnlySpan<byte> body)
    {
        var code = (int)status;
        var jsonReason = TryJsonReason(body);
        var reason = jsonReason ?? TryJavaMessage(mediaType, body);
        var phrase = ReasonPhrases.GetReasonPhrase(code);
        var head = $"cluster '{cluster}': GET {path} returned {code}{(phrase.Length > 0 ? " " + phrase : string.Empty)}";

        switch (code)
        {
            case 401 when jsonReason is not null:
                return new ScalingException(ScalingErrorKind.PermissionDenied, $"{head}: {jsonReason}");
            case 401:
                return new ScalingException(
                    ScalingErrorKind.Unauthenticated,
                    $"{head}: authentication required; the cluster's credentials are missing or were rejected");
            case 403:
                return new ScalingException(ScalingErrorKind.PermissionDenied, With(head, reason));
            case 404:
                return new ScalingException(ScalingErrorKind.NotFound, With(head, reason));
            case 412:
                var invalid = reason is not null
                    && (reason.Contains("not valid", StringComparison.OrdinalIgnoreCase)
                        || reason.Contains("invalid", StringComparison.OrdinalIgnoreCase));
                return new ScalingException(invalid ? ScalingErrorKind.InvalidArgument : ScalingErrorKind.NotFound, With(head, reason));
            case var transient when IsTransientStatus(transient):
                return new ScalingException(ScalingErrorKind.Unavailable, With(head, reason)) { IsTransient = true };
            case >= 400:
                return new ScalingException(ScalingErrorKind.InvalidArgument, With(head, reason));
            default:
                return new ScalingException(ScalingErrorKind.Unavailable, $"{head}, which is not a Pulsar admin answer");
        }
    }

    /// <summary>A failed connection, reset or TLS handshake; always transient.</summary>
    public static ScalingException FromTransport(string cluster, string path, HttpRequestException exception)
    {
        var detail = exception.InnerException is { } inner && inner.Message != exception.Message
            ? $"{exception.Message} {inner.Message}"
            : exception.Message;
        return new ScalingException(
            ScalingErrorKind.Unavailable,
            $"cluster '{cluster}': GET {path} failed ({exception.HttpRequestError}): {Shorten(detail)}",
            exception)
        { IsTransient = true };
    }

    private static string With(string head, string? reason) => reason is null ? head : $"{head}: {reason}";

    /// <summary>Pulsar's <c>RestException</c> body: <c>{"reason":"…"}</c>.</summary>
    private static string? TryJsonReason(ReadOnlySpan<byte> body)
    {
        var trimmed = body.Trim(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{')
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(trimmed);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
                ? Shorten(reason.GetString()!)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Pulsar's 500 page for unexpected exceptions: keep the "Message:" line, never the stack.</summary>
    private static string? TryJavaMessage(string? mediaType, ReadOnlySpan<byte> body)
    {
        if (mediaType is not null && !mediaType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(body.Length > 64 * 1024 ? body[..(64 * 1024)] : body);
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("Message:", StringComparison.Ordinal))
            {
                var message = trimmed["Message:".Length..].Trim();
                return message.Length == 0 ? null : Shorten(message);
            }
        }

        return null;
    }

    /// <summary>One line, at most 300 characters: what of an upstream text may go into an error or a log.</summary>
    public static string Shorten(string text)
    {
        var singleLine = text.ReplaceLineEndings(" ").Trim();
        return singleLine.Length > MaxReasonLength ? singleLine[..MaxReasonLength] + "…" : singleLine;
    }
}
