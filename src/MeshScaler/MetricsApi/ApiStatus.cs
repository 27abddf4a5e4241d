using System.Text.Json.Nodes;
using MeshScaler.Core;

namespace MeshScaler.MetricsApi;

/// <summary>
/// A <c>metav1.Status</c> failure, as client-go reads one: <c>kind</c> Status, <c>status</c> Failure and the code,
/// with the reason Kubernetes uses for it. The one place where errors become HTTP statuses on the metrics API.
/// </summary>
internal sealed record ApiStatus(int Code, string Reason, string Message)
{
    public static ApiStatus NotFound(string message) => new(StatusCodes.Status404NotFound, "NotFound", message);

    public static ApiStatus BadRequest(string message) => new(StatusCodes.Status400BadRequest, "BadRequest", message);

    public static ApiStatus Forbidden(string message) => new(StatusCodes.Status403Forbidden, "Forbidden", message);

    public static ApiStatus Unauthorized(string message) => new(StatusCodes.Status401Unauthorized, "Unauthorized", message);

    public static ApiStatus MethodNotAllowed(string method) =>
        new(StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed", $"the server does not allow this method on the requested resource: {method} (the metrics API is read-only: GET)");

    /// <summary>
    /// A failure to know a value. Missing or stale data is 503, never a zero; a Function, topic or subscription that does
    /// not exist is 404; bad trigger facts (no ConfigMap, a cluster MeshScaler may not use) are 400.
    /// </summary>
    public static ApiStatus From(ScalingException error) => error.Kind switch
    {
        ScalingErrorKind.NotFound => NotFound(error.Message),
        ScalingErrorKind.InvalidArgument => BadRequest(error.Message),
        ScalingErrorKind.PermissionDenied => Forbidden(error.Message),
        ScalingErrorKind.Unauthenticated => Unauthorized(error.Message),
        _ => new(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", error.Message),
    };

    public JsonObject ToJson() => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = Message,
        ["reason"] = Reason,
        ["code"] = Code,
    };
}
