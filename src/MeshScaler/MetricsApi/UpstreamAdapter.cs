using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshScaler.Kubernetes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace MeshScaler.MetricsApi;

/// <summary>
/// Forwards the requests for metrics MeshScaler does not serve to the adapter configured in
/// <see cref="MetricsApiUpstreamOptions"/>: path and query unchanged, as the caller (the front-proxy headers an
/// aggregator would send, over a client certificate the adapter trusts), the answer passed back as it came.
/// </summary>
/// <remarks>
/// The exchange is written here, one HTTP/1.0 request per TLS connection, because HttpClient cannot send a header
/// twice: it joins <c>X-Remote-Group: a</c> and <c>X-Remote-Group: b</c> into one <c>a, b</c> line, which a
/// <c>k8s.io/apiserver</c> adapter reads as one group named "a, b". HTTP/1.0 keeps the answer simple (no chunking, the
/// end of the body is the end of the connection); the HPA's rate of a few calls per HPA a minute needs no pooling.
/// </remarks>
internal sealed class UpstreamAdapter
{
    /// <summary>A bigger answer is refused: a MetricValueList for thousands of pods is well under it.</summary>
    private const int MaxResponseBytes = 16 << 20;

    private readonly MetricsApiUpstreamOptions _options;
    private readonly SslClientAuthenticationOptions? _tls;

    public UpstreamAdapter(IOptions<MetricsApiOptions> options)
    {
        _options = options.Value.Upstream;
        if (_options.Url is not { } url)
        {
            return;
        }

        var authorities = string.IsNullOrWhiteSpace(_options.CaFile) ? null : LoadAuthorities(_options.CaFile);
        _tls = new SslClientAuthenticationOptions
        {
            TargetHost = url.IdnHost,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            ClientCertificates = string.IsNullOrWhiteSpace(_options.CertificateFile) ? null : [LoadCertificate(_options.CertificateFile, _options.KeyFile!)],
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = _options.InsecureSkipVerify
                ? static (_, _, _, _) => true
                : authorities is null ? null : (_, certificate, _, errors) => Verify(certificate as X509Certificate2, errors, authorities),
        };
    }

    public bool Configured => _tls is not null;

    public string Describe => _options.Url?.ToString() ?? "none";

    /// <summary>Answers the request from the adapter; a Status when it cannot be reached.</summary>
    public async Task<ApiStatus?> ForwardAsync(HttpContext context, ApiUser? caller)
    {
        // The request target as it arrived (the aggregator forwards path and query unchanged, %2A and all).
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();
        var headers = new List<(string, string)> { ("Accept", context.Request.Headers.Accept.ToString() is { Length: > 0 } accept ? accept : "application/json") };
        if (caller is not null)
        {
            // As client-go's SetAuthProxyHeaders writes them: one header per group and per extra value, keys path-escaped.
            headers.Add(("X-Remote-User", caller.Name));
            headers.AddRange(caller.Groups.Select(g => ("X-Remote-Group", g)));
            headers.AddRange(caller.Extra.SelectMany(e => e.Value.Select(v => ("X-Remote-Extra-" + Uri.EscapeDataString(e.Key), v))));
        }

        Answer answer;
        try
        {
            answer = await ExchangeAsync(target, headers, context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or AuthenticationException or OperationCanceledException or FormatException
            && !context.RequestAborted.IsCancellationRequested)
        {
            return new ApiStatus(
                StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable",
                $"MeshScaler does not serve this metric, and the adapter it forwards the others to ({Describe}) did not answer: {ex.Message}");
        }

        context.Response.StatusCode = answer.Code;
        context.Response.ContentType = answer.ContentType ?? "application/json";
        await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
        return null;
    }

    /// <summary>The adapter's discovery document for the same path, or null (not configured, or it did not answer).</summary>
    public async Task<System.Text.Json.Nodes.JsonNode?> DiscoveryAsync(string path, CancellationToken cancellationToken)
    {
        if (_tls is null)
        {
            return null;
        }

        try
        {
            // Discovery as the aggregator's availability check asks it.
            var answer = await ExchangeAsync(path, [("Accept", "application/json"), ("X-Remote-User", "system:kube-aggregator"), ("X-Remote-Group", "system:masters")], cancellationToken);
            return answer.Code is >= 200 and < 300 ? System.Text.Json.Nodes.JsonNode.Parse(answer.Body.Span) : null;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or AuthenticationException or OperationCanceledException or FormatException or System.Text.Json.JsonException
            && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<Answer> ExchangeAsync(string target, IReadOnlyList<(string Name, string Value)> headers, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        var url = _options.Url!;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(url.IdnHost, url.Port, timeout.Token);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(_tls!, timeout.Token);

        var request = new StringBuilder();
        request.Append("GET ").Append(Clean(target)).Append(" HTTP/1.0\r\n");
        request.Append("Host: ").Append(url.Authority).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            request.Append(name).Append(": ").Append(Clean(value)).Append("\r\n");
        }

        request.Append("Connection: close\r\n\r\n");
        await tls.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token);
        await tls.FlushAsync(timeout.Token);

        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await tls.ReadAsync(buffer, timeout.Token)) > 0)
        {
            if (received.Length + read > MaxResponseBytes)
            {
                throw new FormatException($"its answer is larger than {MaxResponseBytes >> 20} MiB");
            }

            received.Write(buffer, 0, read);
        }

        return Answer.Parse(received.GetBuffer().AsMemory(0, (int)received.Length));
    }

    /// <summary>A value that cannot end its header line early: a name from a token review or a header never injects one.</summary>
    private static string Clean(string value) => value.Contains('\r') || value.Contains('\n') ? value.Replace("\r", string.Empty).Replace("\n", string.Empty) : value;

    /// <summary>An HTTP/1.x answer read to the end of the connection: its code, content type and body (de-chunked if need be).</summary>
    private sealed record Answer(int Code, string? ContentType, ReadOnlyMemory<byte> Body)
    {
        public static Answer Parse(ReadOnlyMemory<byte> raw)
        {
            var end = raw.Span.IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                throw new FormatException("its answer has no complete header");
            }

            var head = Encoding.ASCII.GetString(raw.Span[..end]).Split("\r\n");
            var status = head[0].Split(' ', 3);
            if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(status[1], out var code))
            {
                throw new FormatException($"its answer does not start with an HTTP/1.x status line: \"{(head[0].Length > 80 ? head[0][..80] : head[0])}\"");
            }

            string? Header(string name) => head.Skip(1).Select(h => h.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => p[1].Trim()).FirstOrDefault();
            var body = raw[(end + 4)..];
            if (Header("Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                body = Dechunk(body);
            }
            else if (Header("Content-Length") is { } length && int.TryParse(length, out var count) && count <= body.Length)
            {
                body = body[..count];
            }

            return new Answer(code, Header("Content-Type"), body);
        }

        private static ReadOnlyMemory<byte> Dechunk(ReadOnlyMemory<byte> chunked)
        {
            using var body = new MemoryStream();
            while (true)
            {
                var line = chunked.Span.IndexOf("\r\n"u8);
                if (line < 0 || !int.TryParse(Encoding.ASCII.GetString(chunked.Span[..line]).Split(';')[0].Trim(), System.Globalization.NumberStyles.HexNumber, null, out var size) || size < 0 || line + 2 + size > chunked.Length)
                {
                    throw new FormatException("its chunked answer is malformed");
                }

                if (size == 0)
                {
                    return body.ToArray();
                }

                body.Write(chunked.Span.Slice(line + 2, size));
                chunked = chunked[(line + 2 + size)..];
                if (chunked.Span.StartsWith("\r\n"u8))
                {
                    chunked = chunked[2..];
                }
            }
        }
    }

    private static bool Verify(X509Certificate2? certificate, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        return Hosting.CertificateTrust.Chains(certificate, authorities, null, null, out _);
    }

    private static X509Certificate2Collection LoadAuthorities(string file)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(file);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException)
        {
            throw new OptionsValidationException(MetricsApiOptions.SectionName, typeof(MetricsApiOptions), [$"{MetricsApiOptions.SectionName}:Upstream:CaFile \"{file}\" is not a PEM certificate file: {ex.Message}"]);
        }

        return authorities;
    }

    private static X509Certificate2 LoadCertificate(string certificateFile, string keyFile)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException)
        {
            throw new OptionsValidationException(MetricsApiOptions.SectionName, typeof(MetricsApiOptions), [$"{MetricsApiOptions.SectionName}:Upstream:CertificateFile \"{certificateFile}\" with KeyFile \"{keyFile}\" is not a usable PEM certificate and key: {ex.Message}"]);
        }
    }
}
