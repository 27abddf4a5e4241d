using System.Net;
using Grpc.AspNetCore.Server;
using MeshScaler.Engine;
using MeshScaler.Keda;
using MeshScaler.MetricsApi;
using MeshScaler.Ops;
using MeshScaler.Kubernetes;
using MeshScaler.Prometheus;
using MeshScaler.Pulsar;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MeshScaler.Hosting;

/// <summary>The composition root: builds the scaler host from configuration. Program.cs and the tests both use it.</summary>
internal static class MeshScalerApp
{
    /// <summary>Builds the host. <paramref name="configure"/> lets callers add configuration or replace services.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json ships beside the binary: found there whatever directory the command was run in.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        // The health check service logs every Unhealthy result at Error; the only check is readiness, unhealthy by design
        // while starting and stopping, which is no error for an operator to chase.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Critical);

        // The host logs a failed start with its stack trace before throwing; the command line reports that failure itself,
        // by name when it is the operator's to fix (a port in use), in full otherwise. A background service that fails
        // is still reported, at Critical.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        // Grpc.AspNetCore logs every call that ends with an error status at Information; TriggerTargets already logs an
        // invalid trigger, naming its ScaledObject, so each bad call is logged once.
        builder.Logging.AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Warning);
        configure?.Invoke(builder);
        var settingsFile = SettingsFile.Add(builder.Configuration);

        // Durations read the same everywhere ("5" is five seconds, never days). A value that does not convert at all is
        // set aside (read as unset), so the binder never throws on it, and reported with the other invalid settings.
        DurationConverter.Register();
        var unconvertible = ConfigurationCheck.Find(builder.Configuration);
        if (unconvertible.Count > 0)
        {
            builder.Configuration.AddInMemoryCollection(unconvertible.Select(f => KeyValuePair.Create(f.Key, (string?)null)));
        }

        var services = builder.Services;
        services.AddOptions<GrpcListenerOptions>().BindConfiguration(GrpcListenerOptions.SectionName).ValidateOnStart();
        services.AddOptions<HttpListenerOptions>().BindConfiguration(HttpListenerOptions.SectionName);
        services.AddSingleton<IValidateOptions<GrpcListenerOptions>, ListenerOptionsValidator>();
        services.AddSingleton<ListenerEndpoints>();
        services.AddSingleton(settingsFile);
        services.AddHostedService<SettingsFile>();
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration, ListenerEndpoints, ILoggerFactory>((kestrel, configuration, endpoints, loggers) =>
        {
            // Read without validation: resolving the validated options here would throw on the first bad setting before
            // start-up validation can report every bad setting together. Invalid values are skipped; start fails anyway.
            var grpc = configuration.GetSection(GrpcListenerOptions.SectionName).Get<GrpcListenerOptions>() ?? new();
            var http = configuration.GetSection(HttpListenerOptions.SectionName).Get<HttpListenerOptions>() ?? new();

            // KEDA multiplexes every push stream and call over one HTTP/2 connection; Kestrel's default of 100
            // streams per connection would stall the 101st ScaledObject.
            kestrel.Limits.Http2.MaxStreamsPerConnection = 10_000;
            if (IsValid(grpc.Port, grpc.Address, out var grpcAddress))
            {
                var tls = grpc.Tls is null ? null : LoadTls(grpc.Tls, loggers.CreateLogger<ReloadingTls>());
                kestrel.Listen(grpcAddress, grpc.Port, listen =>
                {
                    endpoints.Grpc = listen;

                    // Cleartext is HTTP/2 with prior knowledge only (h2c, what gRPC clients send): Kestrel cannot take
                    // prior knowledge on an Http1AndHttp2 cleartext listener. With TLS, ALPN picks the protocol, and
                    // Grpc.AspNetCore refuses an HTTP/1.x request with 426.
                    listen.Protocols = tls is null ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2;
                    if (tls is not null)
                    {
                        listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = _ => ValueTask.FromResult(tls.Current()) });
                    }
                });
            }

            if (IsValid(http.Port, http.Address, out var httpAddress))
            {
                kestrel.Listen(httpAddress, http.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    endpoints.Http = listen;
                });
            }

            // Insecure only on loopback (the validator refuses it elsewhere at start); otherwise HTTPS.
            var metricsApi = configuration.GetSection(MetricsApiOptions.SectionName).Get<MetricsApiOptions>() ?? new();
            if (metricsApi.Enabled && IsValid(metricsApi.Port, metricsApi.Address, out var metricsAddress) 
                && (metricsApi.Insecure ? IPAddress.IsLoopback(metricsAddress) : MetricsApiOptionsValidator.CertificateUsable(metricsApi)))
            {
                var tls = metricsApi.Insecure ? null : LoadMetricsApiTls(metricsApi, loggers.CreateLogger<MetricsApiEndpoint>());
                kestrel.Listen(metricsAddress, metricsApi.Port, listen =>
                {
                    endpoints.MetricsApi = listen;
                    listen.Protocols = tls is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
                    if (tls is not null)
                    {
                        listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = _ => ValueTask.FromResult(tls()) });
                        listen.Use(ConnectionAuthCache.Attach);
                    }
                });
            }
        });
        services.AddOptions<MetricsApiOptions>().BindConfiguration(MetricsApiOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsApiOptions>, MetricsApiOptionsValidator>();
        services.AddSingleton<MetricsApiEndpoint>();
        services.AddSingleton<ApiAuthenticator>();
        services.AddSingleton<ApiAuthorizer>();
        services.AddSingleton<UpstreamAdapter>();
        services.AddSingleton<UpstreamDiscovery>();
        services.AddHostedService(sp => sp.GetRequiredService<UpstreamDiscovery>());
        services.AddClusterReviews();
        services.AddOptions<ClusterReviewsOptions>().Configure<IOptions<MetricsApiOptions>>((reviews, api) =>
        {
            reviews.TokenTtl = api.Value.TokenCacheTtl;
            reviews.AllowedTtl = api.Value.AllowedCacheTtl;
            reviews.DeniedTtl = api.Value.DeniedCacheTtl;
        });
        services.AddHostedService<ClusterTrustWatcher>();

        services.AddPulsarAdmin();
        services.AddFunctionMesh();
        services.AddRunnerScraper();

        // Also the host's prometheus-net registry, one per host (see AddSignalEngine): /metrics serves it.
        services.AddSignalEngine();
        services.AddSingleton<TriggerTargets>();
        services.AddSingleton<HostMetrics>();
        services.AddSingleton<KubernetesCacheMetrics>();
        services.AddSingleton<ExternalScalerService>();
        services.AddSingleton<ScalerErrorInterceptor>();
        services.AddGrpc().AddServiceOptions<ExternalScalerService>(o => o.Interceptors.Add<ScalerErrorInterceptor>());
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<GrpcListenerOptions>>(
            (grpc, listener) => grpc.MaxReceiveMessageSize = listener.Value.MaxReceiveMessageSize);
        services.AddGrpcReflection();

        // grpc.health.v1.Health: Check runs the readiness check live; Watch streams the published result, refreshed
        // every second (the publisher's default waits 5 s, then 30 s between runs).
        services.AddSingleton<ReadinessHealthCheck>();
        services.AddGrpcHealthChecks(o => o.Services.Map(ExternalScaler.Descriptor.FullName, _ => true))
            .AddCheck<ReadinessHealthCheck>(ReadinessHealthCheck.Name);
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.Zero;
            o.Period = TimeSpan.FromSeconds(1);
        });
        services.AddRouting();

        var app = builder.Build();

        // Validate every options type now, together, before building the pipeline resolves services one by one
        // (each would throw on its own first failure and hide the rest).
        ValidateAll(app.Services, [.. unconvertible.Select(f => f.Message)]);
        // The metrics API's listener answers only the API (its own router: every failure a metav1.Status).
        var listeners = app.Services.GetRequiredService<ListenerEndpoints>();
        app.MapWhen(
            context => listeners.IsMetricsApi(context.Connection.LocalPort),
            api => api.Run(context => context.RequestServices.GetRequiredService<MetricsApiEndpoint>().HandleAsync(context)));
        if (app.Services.GetRequiredService<IOptions<MetricsApiOptions>>().Value is { Enabled: true } metricsApi)
        {
            var log = app.Services.GetRequiredService<ILogger<MetricsApiEndpoint>>();
            if (metricsApi.Insecure)
            {
                MetricsApiLog.Insecure(log, metricsApi.Address, metricsApi.Port);
            }
            else
            {
                MetricsApiLog.Secure(log, metricsApi.Address, metricsApi.Port);
            }
        }

        app.UseRouting();
        app.UseMiddleware<RpcMetricsMiddleware>();
        app.MapGrpcService<ExternalScalerService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapOpsEndpoints();

        // Created now so its series are registered before the first scrape.
        app.Services.GetRequiredService<KubernetesCacheMetrics>();

        // The text format 0.0.4 only, which every Prometheus reads: it is the one format the tests check line by line.
        app.MapMetrics(
            o =>
            {
                o.Registry = app.Services.GetRequiredService<CollectorRegistry>();
                o.EnableOpenMetrics = false;
            },
            "/metrics");
        return app;
    }

    /// <summary>Every invalid setting together: those that did not convert, then what the options validators found.</summary>
    private static void ValidateAll(IServiceProvider services, string[] unconvertible)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception ex) when (unconvertible.Length > 0 && ConfigurationErrors.From(ex) is { Count: > 0 } invalid)
        {
            throw new OptionsValidationException("MeshScaler", typeof(MeshScalerApp), [.. unconvertible, .. invalid]);
        }

        if (unconvertible.Length > 0)
        {
            throw new OptionsValidationException("MeshScaler", typeof(MeshScalerApp), unconvertible);
        }
    }

    /// <summary>TLS files are loaded while the listener is configured; a bad one is a named configuration error.</summary>
    private static ReloadingTls LoadTls(GrpcTlsOptions tls, ILogger logger)
    {
        try
        {
            return new ReloadingTls(tls, GrpcListenerOptions.SectionName + ":Tls", logger);
        }
        catch (ArgumentException ex)
        {
            throw new OptionsValidationException(GrpcListenerOptions.SectionName, typeof(GrpcListenerOptions), [ex.Message]);
        }
    }

    /// <summary>The metrics API's certificate files are loaded while its listener is configured; a bad one is a named configuration error.</summary>
    private static Func<System.Net.Security.SslServerAuthenticationOptions> LoadMetricsApiTls(MetricsApiOptions options, ILogger logger)
    {
        try
        {
            return MetricsApiTls.Create(options, TimeProvider.System, logger);
        }
        catch (ArgumentException ex)
        {
            throw new OptionsValidationException(MetricsApiOptions.SectionName, typeof(MetricsApiOptions), [ex.Message]);
        }
    }

    private static bool IsValid(int port, string address, out IPAddress parsed) =>
        IPAddress.TryParse(address, out parsed!) & port is >= 0 and <= 65535;
}
