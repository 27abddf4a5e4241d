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
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<GrpcListenerOptions>, IOptions<HttpListenerOptions>, ListenerEndpoints>(
            (kestrel, grpc, http, endpoints) =>
            {
                // Addresses are validated at start; a bad one here would already have stopped the host.
                var grpcAddress = IPAddress.TryParse(grpc.Value.Address, out var g) ? g : IPAddress.Any;
                var httpAddress = IPAddress.TryParse(http.Value.Address, out var h) ? h : IPAddress.Any;
                // KEDA multiplexes every push stream and call over one HTTP/2 connection; Kestrel's default of 100
                // streams per connection would stall the 101st ScaledObject.
                kestrel.Limits.Http2.MaxStreamsPerConnection = 10_000;
                endpoints.Grpc = kestrel.ListenGrpc(grpcAddress, grpc.Value.Port, grpc.Value.Tls);
                kestrel.Listen(httpAddress, http.Value.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    endpoints.Http = listen;
                });
            });

        services.AddPulsarAdmin();
        services.AddSignalEngine();
        services.AddPrometheusExposition();
        services.AddSingleton<TriggerTargets>();
        services.AddSingleton<HostMetrics>();
        services.AddSingleton<ExternalScalerService>();
        services.AddGrpcServer(o => builder.Configuration.GetSection(GrpcListenerOptions.SectionName).Bind(o))
            .AddMethods(ExternalScalerService.Register);
        services.AddRouting();

        var app = builder.Build();
        app.UseGrpcServer();
        app.UseRouting();
        app.MapOpsEndpoints();
        app.MapPrometheusMetrics("/metrics");
        return app;
    }
}
