using Grpc.Core;
using Grpc.Core.Interceptors;
using MeshScaler.Core;

namespace MeshScaler.Keda;

/// <summary>
/// The one place where a scaling failure becomes a gRPC status, for every method of the service. Deadlines,
/// cancellation and unexpected exceptions are Grpc.AspNetCore's: DEADLINE_EXCEEDED, CANCELLED, and UNKNOWN with a
/// generic message and an Error log.
/// </summary>
/// <remarks>
/// KEDA treats any error as "unknown": it never scales to zero on an error, and uses <c>spec.fallback</c> when set.
/// So an outage must surface as an error (UNAVAILABLE), never as a zero metric or an inactive answer.
/// </remarks>
internal sealed class ScalerErrorInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        // Most answers come from the cache and complete at once: they pass through without an async frame of their own.
        // A handler that is not async (GetMetricSpec) throws here rather than in its task.
        Task<TResponse> call;
        try
        {
            call = continuation(request, context);
        }
        catch (ScalingException ex)
        {
            throw ToRpcException(ex);
        }

        return call.IsCompletedSuccessfully ? call : AwaitMapped(call);
    }

    private static async Task<TResponse> AwaitMapped<TResponse>(Task<TResponse> call)
    {
        try
        {
            return await call;
        }
        catch (ScalingException ex)
        {
            throw ToRpcException(ex);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (ScalingException ex)
        {
            throw ToRpcException(ex);
        }
    }

    private static RpcException ToRpcException(ScalingException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new RpcException(new Status(ToStatusCode(exception.Kind), exception.Message, exception));
    }

    private static StatusCode ToStatusCode(ScalingErrorKind kind) => kind switch
    {
        ScalingErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ScalingErrorKind.NotFound => StatusCode.NotFound,
        ScalingErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        ScalingErrorKind.Unauthenticated => StatusCode.Unauthenticated,
        ScalingErrorKind.Unavailable => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}
