using System.Net;
using MeshScaler.Engine;
using MeshScaler.Grpc;
using MeshScaler.Keda;
using MeshScaler.Ops;
using MeshScaler.Prometheus;
using MeshScaler.Pulsar;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace MeshScaler.Hosting;

/// <summary>The composition root: builds the scaler host from configuration. Program.cs and the tests both use it.</summary>
internal static class MeshScalerApp
{
    /// <summary>Builds the host. <paramref name="configure"/> lets callers add configuration or replace services.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        configure?.Invoke(builder);

        var services = builder.Services;
        services.AddOptions<GrpcListenerOptions>().BindConfiguration(GrpcListenerOptions.SectionName).ValidateOnStart();
        services.AddOptions<HttpListenerOptions>().BindConfiguration(HttpListenerOptions.SectionName);
        services.AddSingleton<IValidateOptions<GrpcListenerOptions>, ListenerOptionsValidator>();
        services.AddSingleton<ListenerEndpoints>();
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration, ListenerEndpoints>((kestrel, configuration, endpoints) =>
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
                endpoints.Grpc = kestrel.ListenGrpc(grpcAddress, grpc.Port, grpc.Tls);
            }

            if (IsValid(http.Port, http.Address, out var httpAddress))
            {
                kestrel.Listen(httpAddress, http.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    endpoints.Http = listen;
                });
            }
        });

        services.AddPulsarAdmin();
        services.AddSignalEngine();

        // The per-target gauges have one series per tracked trigger: the exposition's default cap (1,000) would drop
        // them beyond 1,000 triggers. Sized like the trigger cache instead.
        services.AddPrometheusExposition(o => o.MaxSeriesPerInstrument = TriggerTargets.MaxEntries);
        services.AddSingleton<TriggerTargets>();
        services.AddSingleton<HostMetrics>();
        services.AddSingleton<ExternalScalerService>();
        services.AddGrpcServer(o => builder.Configuration.GetSection(GrpcListenerOptions.SectionName).Bind(o))
            .AddMethods(ExternalScalerService.Register);
        services.AddRouting();

        var app = builder.Build();

        // Validate every options type now, together, before building the pipeline resolves services one by one
        // (each would throw on its own first failure and hide the rest).
        app.Services.GetService<IStartupValidator>()?.Validate();
        app.UseGrpcServer();
        app.UseRouting();
        app.MapOpsEndpoints();
        app.MapPrometheusMetrics("/metrics");
        return app;
    }

    private static bool IsValid(int port, string address, out IPAddress parsed) =>
        IPAddress.TryParse(address, out parsed!) & port is >= 0 and <= 65535;
}
