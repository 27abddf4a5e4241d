using MeshScaler.Grpc.Health.V1;

namespace MeshScaler.Grpc.Health;

/// <summary>The standard <c>grpc.health.v1.Health</c> service (grpc/grpc doc/health-checking.md).</summary>
internal static class GrpcHealthService
{
    public const string CheckMethod = "/grpc.health.v1.Health/Check";
    public const string WatchMethod = "/grpc.health.v1.Health/Watch";

    public static void Register(GrpcServiceRegistry registry, GrpcHealthStatus health)
    {
        registry.AddUnary<HealthCheckRequest, HealthCheckResponse>(
            CheckMethod, HealthCheckRequest.Parser, (request, _) => Task.FromResult(Check(health, request)));
        registry.AddServerStreaming<HealthCheckRequest, HealthCheckResponse>(
            WatchMethod, HealthCheckRequest.Parser, (request, writer, context) => WatchAsync(health, request, writer, context));
    }

    private static HealthCheckResponse Check(GrpcHealthStatus health, HealthCheckRequest request)
    {
        if (!health.TryGetStatus(request.Service, out var status))
        {
            throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
        }

        return new HealthCheckResponse { Status = (HealthCheckResponse.Types.ServingStatus)status };
    }

    private static async Task WatchAsync(
        GrpcHealthStatus health, HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> writer, ServerCallContext context)
    {
        HealthCheckResponse.Types.ServingStatus? sent = null;

        // Ends only by cancellation (client gone, deadline, shutdown), which the call maps to its status.
        while (true)
        {
            var (status, changed) = health.Snapshot(request.Service);
            var current = status is { } known
                ? (HealthCheckResponse.Types.ServingStatus)known
                : HealthCheckResponse.Types.ServingStatus.ServiceUnknown;
            if (current != sent)
            {
                await writer.WriteAsync(new HealthCheckResponse { Status = current }, context.CancellationToken);
                sent = current;
            }

            await changed.WaitAsync(context.CancellationToken);
        }
    }
}
