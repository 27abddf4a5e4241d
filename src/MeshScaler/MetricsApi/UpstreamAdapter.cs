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
/// <c>k8s.io/apiserver</c> adapter reads as one group named "a, b". HTTP/1.0 keeps the answer simple: a Content-Length
/// or the end of the connection ends the body (chunking is still read, should an adapter send it); the HPA's rate of a
/// few calls per HPA a minute needs no pooling.
/// </remarks>
internal sealed class UpstreamAdapter
{
    /// <summary>A bigger answer is refused: a MetricValueList for thousands of pods is well under it.</summary>
    private const int MaxResponseBytes = 16 << 20;

    /// <summary>A header longer than this is not an adapter's: refused before the rest is read.</summary>
    private const int MaxHeaderBytes = 64 << 10;

    /// <summary>
    /// Who asks for the adapter's discovery documents (<see cref="UpstreamDiscovery"/>, no caller behind it): an
    /// ordinary authenticated user, which the cluster's <c>system:discovery</c> binding lets read <c>/apis/*</c>. Never
    /// <c>system:masters</c>: MeshScaler claims no more than it needs, even to an adapter that would believe it.
    /// </summary>
    public const string DiscoveryUser = "meshscaler:upstream-discovery";

    /// <summary>Discovery is asked in the background, but not for longer than the aggregator's own probe waits.</summary>
    private static readonly TimeSpan DiscoveryTimeout = TimeSpan.FromSeconds(5);

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
            if (caller.Uid is { Length: > 0 } uid)
            {
                headers.Add(("X-Remote-Uid", uid));
            }

            headers.AddRange(caller.Groups.Select(g => ("X-Remote-Group", g)));
            headers.AddRange(caller.Extra.SelectMany(e => e.Value.Select(v => ("X-Remote-Extra-" + Uri.EscapeDataString(e.Key), v))));
        }

        Answer answer;
        try
        {
            answer = await ExchangeAsync(target, headers, _options.Timeout, context.RequestAborted);
        }
        catch (UpstreamException ex)
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

    /// <summary>The adapter's discovery document at <paramref name="path"/>.</summary>
    /// <exception cref="UpstreamException">Not configured, unreachable, not 2xx or not a JSON object; the message says which.</exception>
    public async Task<System.Text.Json.Nodes.JsonObject> DiscoveryAsync(string path, CancellationToken cancellationToken)
    {
        if (_tls is null)
        {
            throw new UpstreamException("no upstream adapter is configured");
        }

        var answer = await ExchangeAsync(
            path, [("Accept", "application/json"), ("X-Remote-User", DiscoveryUser), ("X-Remote-Group", "system:authenticated")],
            _options.Timeout < DiscoveryTimeout ? _options.Timeout : DiscoveryTimeout, cancellationToken);

        if (answer.Code is < 200 or >= 300)
        {
            throw new UpstreamException($"it answered HTTP {answer.Code}");
        }

        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(answer.Body.Span) as System.Text.Json.Nodes.JsonObject
                ?? throw new UpstreamException("its answer is not a JSON object");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new UpstreamException($"its answer is not JSON: {ex.Message}");
        }
    }

    /// <summary>One request and its answer.</summary>
    /// <exception cref="UpstreamException">The adapter could not be reached, did not answer within <paramref name="limit"/>, or answered something that is not HTTP/1.x; the message says which.</exception>
    private async Task<Answer> ExchangeAsync(string target, IReadOnlyList<(string Name, string Value)> headers, TimeSpan limit, CancellationToken cancellationToken)
    {
        try
        {
            return await ExchangeOnceAsync(target, headers, limit, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or AuthenticationException or OperationCanceledException or FormatException
            && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamException(ex is OperationCanceledException ? $"it did not answer within {limit.TotalSeconds:0.#} s" : ex.Message);
        }
    }

    private async Task<Answer> ExchangeOnceAsync(string target, IReadOnlyList<(string Name, string Value)> headers, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
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

        // Read to the end of the connection, or to the end of the body when its length is given (an adapter that keeps
        // the connection open despite "Connection: close" is not waited on). A body shorter than promised is an error.
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        var headerRead = false;
        long? expected = null;
        int read;
        while ((expected is null || received.Length < expected) && (read = await tls.ReadAsync(buffer, timeout.Token)) > 0)
        {
            if (received.Length + read > MaxResponseBytes)
            {
                throw new FormatException($"its answer (header and body) is larger than {MaxResponseBytes >> 20} MiB");
            }

            received.Write(buffer, 0, read);
            if (!headerRead)
            {
                headerRead = Answer.TryReadLength(received.GetBuffer().AsSpan(0, (int)received.Length), out expected);
            }
        }

        return Answer.Parse(received.GetBuffer().AsMemory(0, (int)received.Length));
    }

    /// <summary>A value that cannot end its header line early: a name from a token review or a header never injects one.</summary>
    private static string Clean(string value) => value.Contains('\r') || value.Contains('\n') ? value.Replace("\r", string.Empty).Replace("\n", string.Empty) : value;

    /// <summary>
    /// An HTTP/1.x answer: its code, content type and body, de-chunked if need be, else cut at its Content-Length, else
    /// to the end of the connection. As HTTP/1.1 says, a Transfer-Encoding wins over a Content-Length.
    /// </summary>
    internal sealed record Answer(int Code, string? ContentType, ReadOnlyMemory<byte> Body)
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

            var body = raw[(end + 4)..];
            if (Header(head, "Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                body = Dechunk(body);
            }
            else if (Header(head, "Transfer-Encoding") is null && Length(head) is { } count)
            {
                body = count <= body.Length
                    ? body[..(int)count]
                    : throw new FormatException($"its answer ended after {body.Length} of the {count} bytes its Content-Length promised");
            }

            return new Answer(code, Header(head, "Content-Type"), body);
        }

        /// <summary>
        /// False until the header has arrived; then the length of header and body when a Content-Length gives it (and
        /// no chunking), else null: read to the end of the connection.
        /// </summary>
        public static bool TryReadLength(ReadOnlySpan<byte> received, out long? expected)
        {
            expected = null;
            var end = received.IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                return received.Length <= MaxHeaderBytes ? false : throw new FormatException($"its answer has no end of header in its first {MaxHeaderBytes >> 10} KiB");
            }

            var head = Encoding.ASCII.GetString(received[..end]).Split("\r\n");
            expected = Header(head, "Transfer-Encoding") is null && Length(head) is { } count ? end + 4 + count : null;
            return true;
        }

        private static string? Header(string[] head, string name) =>
            head.Skip(1).Select(h => h.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => p[1].Trim()).FirstOrDefault();

        private static long? Length(string[] head) => Header(head, "Content-Length") switch
        {
            null => null,
            { } value when long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count <= MaxResponseBytes => count,
            { } value => throw new FormatException($"its Content-Length \"{(value.Length > 20 ? value[..20] : value)}\" is not a length up to {MaxResponseBytes >> 20} MiB"),
        };

        private static ReadOnlyMemory<byte> Dechunk(ReadOnlyMemory<byte> chunked)
        {
            using var body = new MemoryStream();
            while (true)
            {
                var line = chunked.Span.IndexOf("\r\n"u8);
                // The size is checked against what is left before any sum: a huge one cannot overflow past the check.
                if (line < 0 || !int.TryParse(Encoding.ASCII.GetString(chunked.Span[..line]).Split(';')[0].Trim(), System.Globalization.NumberStyles.HexNumber, null, out var size)
                    || size < 0 || size > chunked.Length - line - 2)
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
