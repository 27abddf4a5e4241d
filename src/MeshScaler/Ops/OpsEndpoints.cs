namespace MeshScaler.Ops;

/// <summary>
/// <c>/healthz</c> (the process serves HTTP) and <c>/readyz</c> (<see cref="ReadinessHealthCheck"/>). Neither depends
/// on Pulsar: a Pulsar outage must not restart or unroute the scaler, whose job then is to answer UNAVAILABLE.
/// </summary>
internal static class OpsEndpoints
{
    public static void MapOpsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok\n"));
        endpoints.MapGet("/readyz", (ReadinessHealthCheck readiness) =>
            readiness.IsReady
                ? Results.Text("ready\n")
                : Results.Text("not ready\n", statusCode: StatusCodes.Status503ServiceUnavailable));
    }
}
