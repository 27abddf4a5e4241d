using Grpc.Core;

namespace MeshScaler.Keda;

/// <summary>The canonical names of gRPC status codes (<c>INVALID_ARGUMENT</c>), as grpc-go, grpcio and KEDA print them.</summary>
/// <remarks>See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md.</remarks>
internal static class GrpcStatusNames
{
    private static readonly string[] Names =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
        "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    public static string ToCanonicalName(this StatusCode code) =>
        (int)code is >= 0 and < 17 ? Names[(int)code] : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The status a gRPC client reads from an HTTP response that carries no <c>grpc-status</c>, per
    /// https://github.com/grpc/grpc/blob/master/doc/http-grpc-status-mapping.md.
    /// </summary>
    public static StatusCode FromHttpStatus(int httpStatus) => httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}
