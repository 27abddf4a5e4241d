using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MeshScaler.Core;
using Microsoft.Extensions.Options;

namespace MeshScaler.Prometheus;

/// <summary>
/// Scrapes runner pods over HTTP (<c>GET http://&lt;pod IP&gt;:&lt;port&gt;/metrics</c>), with a per-scrape timeout, a
/// size bound and a bound on concurrent scrapes shared by every caller, and reads the component's counters. Every
/// failure is a <see cref="ScalingException"/> naming the pod: nothing is ever read as zero.
/// </summary>
public sealed class RunnerScraper : IRunnerScraper, IDisposable
{
    private readonly HttpClient _http;
    private readonly RunnerScrapeOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate;

    public RunnerScraper(IOptions<RunnerScrapeOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _gate = new SemaphoreSlim(_options.MaxConcurrentScrapes);
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = _options.ScrapeTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AutomaticDecompression = DecompressionMethods.GZip,
            UseProxy = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.Accept.ParseAdd(_options.OpenMetrics ? ExpositionFormats.OpenMetricsAccept : ExpositionFormats.TextAccept);
    }

    public async Task<RunnerSample> ScrapeAsync(RunnerPod pod, ComponentKind kind, string fqfn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Ip is not { } ip)
        {
            throw Fail(pod, "has no IP yet (not scheduled or not started)");
        }

        var host = IPAddress.TryParse(ip, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip;
        var url = new Uri($"http://{host}:{pod.Port}/metrics");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ScrapeTimeout);
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Fail(pod, $"answered HTTP {(int)response.StatusCode} on {url}");
            }

            var text = await ReadBoundedAsync(response.Content, pod, timeout.Token).ConfigureAwait(false);
            var format = ExpositionFormats.FromContentType(response.Content.Headers.ContentType?.ToString());
            return RunnerMetricsReader.Read(text, format, kind, fqfn, pod.Name, _time.GetUtcNow());
        }
        catch (ExpositionFormatException ex)
        {
            throw Fail(pod, $"served an unparsable exposition on {url}: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail(pod, $"did not answer within {_options.ScrapeTimeout.TotalSeconds:0.###} s on {url}");
        }
        catch (HttpRequestException ex)
        {
            throw Fail(pod, $"cannot be scraped on {url}: {ex.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    private async Task<string> ReadBoundedAsync(HttpContent content, RunnerPod pod, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > _options.MaxExpositionBytes)
        {
            throw Fail(pod, $"served {content.Headers.ContentLength} bytes, more than MeshScaler:RunnerMetrics:MaxExpositionBytes ({_options.MaxExpositionBytes})");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxExpositionBytes)
            {
                throw Fail(pod, $"served more than MeshScaler:RunnerMetrics:MaxExpositionBytes ({_options.MaxExpositionBytes}) bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        var charset = content.Headers.ContentType?.CharSet;
        var encoding = charset is null ? Encoding.UTF8 : Encoding.GetEncoding(charset.Trim('"'));
        return encoding.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static ScalingException Fail(RunnerPod pod, string what) =>
        new(ScalingErrorKind.Unavailable, $"runner pod {pod.Name} {what}") { IsTransient = true };
}
