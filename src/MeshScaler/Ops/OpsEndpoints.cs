namespace MeshScaler.Ops;

/// <summary>
/// <c>/healthz</c> (the process serves HTTP) and <c>/readyz</c> (started and not stopping). Neither depends on Pulsar:
/// a Pulsar outage must not restart or unroute the scaler, whose job then is to answer UNAVAILABLE.
/// </summary>
internal static class OpsEndpoints
{
    public static void MapOpsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok\n"));
        endpoints.MapGet("/readyz", (IHostApplicationLifetime lifetime) =>
            lifetime.ApplicationStarted.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested
                ? Results.Text("ready\n")
                : Results.Text("not ready\n", statusCode: StatusCodes.Status503ServiceUnavailable));
    }
}
