using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshScaler.Core;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace MeshScaler.Pulsar;

/// <summary>
/// Everything needed to call one cluster: an HttpClient with the cluster's TLS settings and auto-redirect off,
/// its credentials, and its resilience pipeline (circuit breaker → retry → per-attempt timeout). The circuit is per
/// cluster, so one failing cluster does not slow down questions to the others, and opens on transport failures only,
/// so one failing topic does not take its healthy neighbours out.
/// Failures are logged as state changes (first failure after success, circuit opened: Warning; recovery, circuit
/// closed: Information); single requests and retries at Debug, so an outage does not flood the log.
/// </summary>
internal sealed partial class PulsarClusterConnection : IDisposable
{
    private readonly string _name;
    private readonly string _baseUrl;
    private readonly TimeSpan _requestTimeout;
    private readonly PulsarResilienceSettings _settings;
    private readonly HttpClient _http;
    private readonly IPulsarCredentials _credentials;
    private readonly ResiliencePipeline<byte[]> _pipeline;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private volatile string? _lastFailure;
    private long _lastUsedUtcTicks;
    private int _inFlight;
    private int _failing;

    public PulsarClusterConnection(
        PulsarClusterRef cluster,
        PulsarClusterOptions? options,
        PulsarOptions global,
        PulsarResilienceSettings settings,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _name = cluster.Name;
        _baseUrl = AdminUrls.Normalize(cluster.AdminUrl).AbsoluteUri.TrimEnd('/');
        _requestTimeout = global.RequestTimeout;
        _settings = settings;
        _logger = logger;
        _timeProvider = timeProvider;
        _lastUsedUtcTicks = timeProvider.GetUtcNow().UtcTicks;
        _http = new HttpClient(CreateHandler(cluster.Name, options?.Tls, global.RequestTimeout), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = settings.MaxResponseBytes,
        };
        try
        {
            _credentials = CreateCredentials(cluster, options, global.RequestTimeout, timeProvider, logger);
        }
        catch
        {
            _http.Dispose();
            throw;
        }

        _pipeline = BuildPipeline(global, settings, timeProvider);
    }

    /// <summary>GETs <paramref name="pathAndQuery"/> (starting with <c>/admin/v2/</c>) and returns the 2xx body.</summary>
    public async Task<byte[]> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var url = new Uri(_baseUrl + pathAndQuery);
        Interlocked.Increment(ref _inFlight);
        try
        {
            var body = await _pipeline.ExecuteAsync(
                static (state, token) => new ValueTask<byte[]>(state.Self.SendAsync(state.Url, token)),
                (Self: this, Url: url),
                cancellationToken);
            Answered();
            return body;
        }
        catch (ScalingException ex)
        {
            LogFailure(ex);
            throw;
        }
        catch (BrokenCircuitException ex)
        {
            var failure = new ScalingException(
                ScalingErrorKind.Unavailable,
                $"circuit open for cluster '{_name}' after repeated failures: {_lastFailure ?? "unknown error"}",
                ex)
            { IsTransient = true };
            LogFailure(failure);
            throw failure;
        }
        catch (TimeoutRejectedException ex)
        {
            var failure = TimedOut(url.AbsolutePath, ex);
            LogFailure(failure);
            throw failure;
        }
        finally
        {
            Touch();
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Marks the connection as used now; idle eviction measures from the last use.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastUsedUtcTicks, _timeProvider.GetUtcNow().UtcTicks);

    /// <summary>True when no request is running and the last use was before <paramref name="cutoff"/>.</summary>
    public bool IsIdleSince(DateTimeOffset cutoff) =>
        Volatile.Read(ref _inFlight) == 0 && Interlocked.Read(ref _lastUsedUtcTicks) < cutoff.UtcTicks;

    public void Dispose()
    {
        _http.Dispose();
        _credentials.Dispose();
    }

    private async Task<byte[]> SendAsync(Uri url, CancellationToken cancellationToken)
    {
        var current = url;
        for (var redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

            // Credentials go on every hop: the owning broker a 307 points at needs them as much as the first one.
            await _credentials.ApplyAsync(request, cancellationToken);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw PulsarErrors.FromTransport(_name, current.AbsolutePath, ex);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (RedirectPolicy.IsRedirect(status))
                {
                    if (redirects >= _settings.MaxRedirects)
                    {
                        throw new ScalingException(
                            ScalingErrorKind.Unavailable,
                            $"cluster '{_name}': GET {url.AbsolutePath}: too many redirects (more than {_settings.MaxRedirects})");
                    }

                    var next = RedirectPolicy.Next(_name, current, response.Headers.Location);
                    LogRedirect(_logger, _name, current.AbsolutePath, AdminUrls.Display(new Uri(next.GetLeftPart(UriPartial.Authority))));
                    current = next;
                    continue;
                }

                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return body;
                }

                if (status == 401)
                {
                    // A revoked or rotated-out OAuth2 token stays cached until it expires otherwise.
                    _credentials.Invalidate();
                }

                throw PulsarErrors.FromResponse(
                    _name, current.AbsolutePath, response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
            }
        }
    }

    /// <remarks>
    /// The circuit breaker is outermost and counts one outcome per request, after its retries, and only transport
    /// failures: a refused or reset connection, DNS, TLS. Those say the cluster is unreachable. A 5xx or a timeout
    /// answers one request (one topic's stats can fail or be slow while its neighbours are fine); counted at cluster
    /// level, one bad topic's three attempts per poll opened the breaker for every healthy topic on a small cluster.
    /// Such a topic is bounded by the Engine instead: one fetch per poll interval, shared, with wake polling backed off.
    /// </remarks>
    private ResiliencePipeline<byte[]> BuildPipeline(PulsarOptions global, PulsarResilienceSettings settings, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<byte[]> { TimeProvider = timeProvider, Name = $"pulsar-admin:{_name}" };
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<byte[]>
        {
            FailureRatio = settings.FailureRatio,
            SamplingDuration = settings.SamplingDuration,
            MinimumThroughput = settings.MinimumThroughput,
            BreakDuration = settings.BreakDuration,
            ShouldHandle = static args => ValueTask.FromResult(IsTransportFailure(args.Outcome.Exception)),
            OnOpened = args =>
            {
                _lastFailure = Describe(args.Outcome.Exception);
                LogCircuitOpened(_logger, _name, args.BreakDuration.TotalSeconds, _lastFailure);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                LogCircuitClosed(_logger, _name);
                return ValueTask.CompletedTask;
            },
        });
        if (global.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<byte[]>
            {
                MaxRetryAttempts = global.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome.Exception)),
                OnRetry = args =>
                {
                    LogRetrying(_logger, _name, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, Describe(args.Outcome.Exception));
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddTimeout(global.RequestTimeout);
        return builder.Build();
    }

    /// <summary>The cluster could not be reached at all (see <see cref="PulsarErrors.FromTransport"/>).</summary>
    private static bool IsTransportFailure(Exception? exception) =>
        exception is ScalingException { IsTransient: true, InnerException: HttpRequestException };

    private static bool IsTransient(Exception? exception) =>
        exception is ScalingException { IsTransient: true } or TimeoutRejectedException;

    private string Describe(Exception? exception) => exception switch
    {
        ScalingException scaling => scaling.Message,
        TimeoutRejectedException => $"a request timed out after {_requestTimeout.TotalSeconds:0.###} s",
        null => "unknown error",
        _ => exception.GetType().Name,
    };

    private ScalingException TimedOut(string path, Exception inner) =>
        new(ScalingErrorKind.Unavailable, $"cluster '{_name}': GET {path} timed out after {_requestTimeout.TotalSeconds:0.###} s", inner)
        {
            IsTransient = true,
        };

    private void LogFailure(ScalingException exception)
    {
        if (exception.Kind is ScalingErrorKind.NotFound or ScalingErrorKind.InvalidArgument)
        {
            // The cluster answered; the question was wrong. That ends an outage as much as a 200 does.
            LogRejected(_logger, _name, exception.Kind, exception.Message);
            Answered();
            return;
        }

        LogRequestFailed(_logger, _name, exception.Kind, exception.Message);
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            LogClusterFailing(_logger, _name, exception.Kind, exception.Message);
        }
    }

    private void Answered()
    {
        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
        {
            LogClusterRecovered(_logger, _name);
        }
    }

    private static IPulsarCredentials CreateCredentials(
        PulsarClusterRef cluster, PulsarClusterOptions? options, TimeSpan timeout, TimeProvider timeProvider, ILogger logger)
    {
        if (options?.TokenFile is { } tokenFile)
        {
            return FileCredentials.Token(cluster.Name, tokenFile, logger);
        }

        if (options?.OAuth2 is { } oauth)
        {
            var handler = CreateOAuth2Handler(cluster, oauth, options.Tls, timeout);
            return new OAuth2Credentials(cluster.Name, oauth, handler, timeProvider, logger);
        }

        if (options?.Basic is { } basic)
        {
            return FileCredentials.Basic(cluster.Name, basic.Username, basic.PasswordFile, logger);
        }

        return new NoCredentials(options?.Tls?.CertFile is not null);
    }

    private static SocketsHttpHandler CreateHandler(string cluster, PulsarTlsOptions? tls, TimeSpan connectTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = connectTimeout,

            // Brokers come and go behind a Service; recycle connections so DNS changes are seen.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (tls is null)
        {
            return handler;
        }

        try
        {
            if (tls.InsecureSkipVerify)
            {
                handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            }
            else if (tls.CaFile is not null)
            {
                var roots = LoadRoots(tls.CaFile);
                handler.SslOptions.RemoteCertificateValidationCallback =
                    (_, certificate, chain, errors) => ValidateWithRoots(roots, certificate, chain, errors);
            }

            if (tls.CertFile is not null && tls.KeyFile is not null)
            {
                handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile)];
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            handler.Dispose();
            throw new ScalingException(
                ScalingErrorKind.Unavailable, $"cluster '{cluster}': cannot load the Tls certificate files: {ex.Message}", ex);
        }

        return handler;
    }

    /// <summary>
    /// The OAuth2 issuer's client. An issuer is often a public identity provider, so the cluster's CA file is trusted
    /// in addition to the system roots (not instead of them). InsecureSkipVerify applies only when the issuer is the
    /// admin URL's own host: the client secret is never sent to an unverified third party. No client certificate.
    /// </summary>
    private static SocketsHttpHandler CreateOAuth2Handler(
        PulsarClusterRef cluster, PulsarOAuth2Options oauth, PulsarTlsOptions? tls, TimeSpan connectTimeout)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = connectTimeout };
        if (tls is null)
        {
            return handler;
        }

        var sameHost = Uri.TryCreate(oauth.IssuerUrl, UriKind.Absolute, out var issuer)
            && string.Equals(issuer.IdnHost, cluster.AdminUrl.IdnHost, StringComparison.OrdinalIgnoreCase);
        try
        {
            if (tls.InsecureSkipVerify && sameHost)
            {
                handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            }
            else if (tls.CaFile is not null)
            {
                var roots = LoadRoots(tls.CaFile);
                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                    errors == SslPolicyErrors.None || ValidateWithRoots(roots, certificate, chain, errors);
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            handler.Dispose();
            throw new ScalingException(
                ScalingErrorKind.Unavailable, $"cluster '{cluster.Name}': cannot load the Tls certificate files: {ex.Message}", ex);
        }

        return handler;
    }

    private static X509Certificate2Collection LoadRoots(string caFile)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        if (roots.Count == 0)
        {
            // An empty trust store would fail every handshake with a vaguer error.
            throw new CryptographicException($"Tls:CaFile \"{caFile}\" holds no PEM certificate");
        }

        return roots;
    }

    /// <summary>Validates the server chain against the configured CA bundle only (custom root trust).</summary>
    private static bool ValidateWithRoots(
        X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
            || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
