using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MeshScaler.Emulation.Kubernetes;

/// <summary>How an emulated runner writes its metrics (the three runtimes Function Mesh runs).</summary>
public enum RunnerFlavor
{
    /// <summary>Java (simpleclient 0.16): trailing commas, E-notation, OpenMetrics when asked.</summary>
    Java,

    /// <summary>Python (prometheus_client): sorted labels, <c>repr</c> floats, the old one-minute names.</summary>
    Python,

    /// <summary>Go (client_golang): every series a gauge, no quantiles, sorted labels.</summary>
    Go,
}

/// <summary>What an emulated runner pod does wrong, when told to.</summary>
public enum RunnerFault
{
    None,

    /// <summary>HTTP 500.</summary>
    ServerError,

    /// <summary>200 with text that is not an exposition.</summary>
    Garbage,

    /// <summary>Never answers (a scrape timeout).</summary>
    Hang,
}

/// <summary>
/// Runner pods over real HTTP on 127.0.0.1, one port per pod (the pod's <c>prometheus.io/port</c>), each serving its
/// cumulative counters as the runner's Prometheus exposition on any path (as the Java runner's HTTP server does), text
/// 0.0.4, or OpenMetrics when the Accept header asks a Java runner for it.
/// </summary>
public sealed class EmulatedRunnerPods : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Pod[] _pods;
    private ConcurrentQueue<long>? _served;

    private EmulatedRunnerPods(WebApplication app, Pod[] pods)
    {
        _app = app;
        _pods = pods;
    }

    /// <summary>The pods' ports, by ordinal.</summary>
    public IReadOnlyList<int> Ports => [.. _pods.Select(p => p.Port)];

    /// <summary>Scrapes answered, all pods together.</summary>
    public int Scrapes => _pods.Sum(p => Volatile.Read(ref p.Scrapes));

    /// <summary>Starts <paramref name="count"/> pods of Function <paramref name="fqfn"/> (instance ids 0..count-1).</summary>
    public static async Task<EmulatedRunnerPods> StartAsync(int count, string fqfn, RunnerFlavor flavor = RunnerFlavor.Java, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            for (var i = 0; i < count; i++)
            {
                k.Listen(IPAddress.Loopback, 0);
            }
        });
        var app = builder.Build();
        var pods = Enumerable.Range(0, count).Select(i => new Pod(i, fqfn, flavor)).ToArray();
        var emulated = new EmulatedRunnerPods(app, pods);
        app.Run(emulated.HandleAsync);
        await app.StartAsync(cancellationToken);

        // Kestrel reports the bound addresses in the order the endpoints were configured.
        var ports = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(a => new Uri(a).Port).ToArray();
        for (var i = 0; i < count; i++)
        {
            pods[i].Port = ports[i];
        }

        return emulated;
    }

    /// <summary>Adds to a pod's counters: messages received and processed, and the time they took.</summary>
    public void Process(int ordinal, double messages, double latencyMs = 4, double userExceptions = 0)
    {
        var pod = _pods[ordinal];
        lock (pod)
        {
            pod.Received += messages + userExceptions;
            pod.Processed += messages;
            pod.UserExceptions += userExceptions;
            pod.LatencySum += messages * latencyMs;
        }
    }

    /// <summary>The pod restarts: its counters start again from zero.</summary>
    public void Restart(int ordinal)
    {
        var pod = _pods[ordinal];
        lock (pod)
        {
            pod.Received = pod.Processed = pod.UserExceptions = pod.LatencySum = 0;
        }
    }

    public void SetFault(int ordinal, RunnerFault fault) => _pods[ordinal].Fault = fault;

    /// <summary>From now on, records when each good scrape was answered (<see cref="Stopwatch"/> timestamps): for benchmarks, which time scrape rounds from the pods' side.</summary>
    public void RecordServes() => Volatile.Write(ref _served, new ConcurrentQueue<long>());

    /// <summary>When each good scrape was answered since <see cref="RecordServes"/>, in order; empty when not recording.</summary>
    public long[] Served => Volatile.Read(ref _served)?.ToArray() ?? [];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var port = context.Connection.LocalPort;
        var pod = _pods.FirstOrDefault(p => p.Port == port);
        if (pod is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        Interlocked.Increment(ref pod.Scrapes);
        switch (pod.Fault)
        {
            case RunnerFault.ServerError:
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("java.lang.OutOfMemoryError: Java heap space", context.RequestAborted);
                return;
            case RunnerFault.Garbage:
                context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await context.Response.WriteAsync("<html><body>Whitelabel Error Page</body></html>\n", context.RequestAborted);
                return;
            case RunnerFault.Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
        }

        var openMetrics = pod.Flavor == RunnerFlavor.Java && context.Request.Headers.Accept.ToString().Contains("application/openmetrics-text", StringComparison.Ordinal);
        context.Response.ContentType = openMetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8";
        await context.Response.WriteAsync(pod.Exposition(openMetrics), context.RequestAborted);
        Volatile.Read(ref _served)?.Enqueue(Stopwatch.GetTimestamp());
    }

    private sealed class Pod(int ordinal, string fqfn, RunnerFlavor flavor)
    {
        public int Scrapes;

        public int Port { get; set; }

        public RunnerFlavor Flavor { get; } = flavor;

        public volatile RunnerFault Fault;

        public double Received { get; set; }

        public double Processed { get; set; }

        public double UserExceptions { get; set; }

        public double LatencySum { get; set; }

        public string Exposition(bool openMetrics)
        {
            double received, processed, user, sum;
            lock (this)
            {
                (received, processed, user, sum) = (Received, Processed, UserExceptions, LatencySum);
            }

            var parts = fqfn.Split('/');
            var inv = CultureInfo.InvariantCulture;
            var text = new StringBuilder();
            string Java(double v) => v.ToString("0.0###########", inv);
            switch (Flavor)
            {
                case RunnerFlavor.Java when openMetrics:
                {
                    var l = $"tenant=\"{parts[0]}\",namespace=\"{parts[0]}/{parts[1]}\",name=\"{parts[2]}\",instance_id=\"{ordinal}\",cluster=\"kubernetes\",fqfn=\"{fqfn}\"";
                    foreach (var (name, value) in new[] { ("received", received), ("processed_successfully", processed), ("user_exceptions", user), ("system_exceptions", 0.0) })
                    {
                        text.Append(inv, $"# TYPE pulsar_function_{name} counter\n# HELP pulsar_function_{name} Total number of messages.\n");
                        text.Append(inv, $"pulsar_function_{name}_total{{{l}}} {Java(value)}\npulsar_function_{name}_created{{{l}}} 1.747210000114E9\n");
                    }

                    text.Append(inv, $"# TYPE pulsar_function_process_latency_ms summary\npulsar_function_process_latency_ms_count{{{l}}} {Java(processed)}\npulsar_function_process_latency_ms_sum{{{l}}} {Java(sum)}\n# EOF\n");
                    break;
                }

                case RunnerFlavor.Java:
                {
                    var l = $"tenant=\"{parts[0]}\",namespace=\"{parts[0]}/{parts[1]}\",name=\"{parts[2]}\",instance_id=\"{ordinal}\",cluster=\"kubernetes\",fqfn=\"{fqfn}\",";
                    foreach (var (name, value) in new[] { ("received_total", received), ("processed_successfully_total", processed), ("user_exceptions_total", user), ("system_exceptions_total", 0.0) })
                    {
                        text.Append(inv, $"# HELP pulsar_function_{name} Total.\n# TYPE pulsar_function_{name} counter\npulsar_function_{name}{{{l}}} {Java(value)}\n");
                    }

                    text.Append(inv, $"# HELP pulsar_function_process_latency_ms Process latency in milliseconds.\n# TYPE pulsar_function_process_latency_ms summary\n");
                    text.Append(inv, $"pulsar_function_process_latency_ms{{{l}quantile=\"0.5\",}} NaN\npulsar_function_process_latency_ms_count{{{l}}} {Java(processed)}\npulsar_function_process_latency_ms_sum{{{l}}} {Java(sum)}\n");
                    text.Append(inv, $"# HELP jvm_memory_bytes_used Used bytes of a given JVM memory area.\n# TYPE jvm_memory_bytes_used gauge\njvm_memory_bytes_used{{area=\"heap\",}} 1.84627152E8\n");
                    break;
                }

                default:
                {
                    // Python and Go sort their labels; Go types every series as a gauge.
                    var l = $"cluster=\"kubernetes\",fqfn=\"{fqfn}\",instance_id=\"{ordinal}\",name=\"{parts[2]}\",namespace=\"{parts[0]}/{parts[1]}\",tenant=\"{parts[0]}\"";
                    var type = Flavor == RunnerFlavor.Go ? "gauge" : "counter";
                    string Number(double v) => Flavor == RunnerFlavor.Go ? v.ToString("R", inv) : v.ToString("0.0###########", inv);
                    foreach (var (name, value) in new[] { ("received_total", received), ("processed_successfully_total", processed), ("user_exceptions_total", user), ("system_exceptions_total", 0.0), ("processed_successfully_total_1min", 0.0) })
                    {
                        text.Append(inv, $"# HELP pulsar_function_{name} Total.\n# TYPE pulsar_function_{name} {type}\npulsar_function_{name}{{{l}}} {Number(value)}\n");
                    }

                    text.Append(inv, $"# TYPE pulsar_function_process_latency_ms summary\npulsar_function_process_latency_ms_sum{{{l}}} {Number(sum)}\npulsar_function_process_latency_ms_count{{{l}}} {Number(processed)}\n");
                    break;
                }
            }

            return text.ToString();
        }
    }
}
