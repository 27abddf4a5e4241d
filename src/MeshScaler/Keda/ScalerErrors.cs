using MeshScaler.Core;
using MeshScaler.Grpc;

namespace MeshScaler.Keda;

/// <summary>The one place where a scaling failure becomes a gRPC status.</summary>
/// <remarks>
/// KEDA treats any error as "unknown": it never scales to zero on an error, and uses <c>spec.fallback</c> when set.
/// So an outage must surface as an error (UNAVAILABLE), never as a zero metric or an inactive answer.
/// </remarks>
internal static class ScalerErrors
{
    public static RpcException ToRpcException(ScalingException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new RpcException(ToStatusCode(exception.Kind), exception.Message, exception);
    }

    public static StatusCode ToStatusCode(ScalingErrorKind kind) => kind switch
    {
        ScalingErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ScalingErrorKind.NotFound => StatusCode.NotFound,
        ScalingErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        ScalingErrorKind.Unauthenticated => StatusCode.Unauthenticated,
        ScalingErrorKind.Unavailable => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}
