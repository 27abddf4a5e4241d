using MeshScaler.Grpc.Health;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Grpc;

/// <summary>Log messages of the gRPC server; event ids 1000-1099.</summary>
internal static partial class GrpcServerLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Refused a {Protocol} request to {Path} on a gRPC listener: gRPC needs HTTP/2.")]
    public static partial void UnsupportedProtocol(ILogger logger, string protocol, string path);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Refused a {HttpMethod} request to {Path} on a gRPC listener: gRPC needs POST.")]
    public static partial void UnsupportedHttpMethod(ILogger logger, string httpMethod, string path);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Refused a request to {Path} with content-type '{ContentType}': gRPC needs application/grpc.")]
    public static partial void UnsupportedContentType(ILogger logger, string path, string? contentType);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Unknown gRPC method {Path}.")]
    public static partial void MethodNotFound(ILogger logger, string path);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Ignored the invalid grpc-timeout '{Timeout}' of a call to {Method}; the call has no deadline.")]
    public static partial void InvalidTimeoutIgnored(ILogger logger, string timeout, string method);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Refused a call to {Method}: grpc-encoding '{Encoding}' is not supported.")]
    public static partial void UnsupportedEncoding(ILogger logger, string method, string encoding);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Refused the request message of a call to {Method}: {StatusCode} {Detail}")]
    public static partial void InvalidRequestMessage(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "The handler of {Method} ended the call with {StatusCode}: {Detail}")]
    public static partial void RpcExceptionThrown(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Debug, Message = "The deadline of a call to {Method} passed; answering DEADLINE_EXCEEDED.")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Debug, Message = "The client cancelled or reset a call to {Method}.")]
    public static partial void CallCancelledByClient(ILogger logger, string method);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Error, Message = "The handler of {Method} threw; answering UNKNOWN.")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Rejected a client certificate ({Subject}) on a gRPC listener: {Reason}")]
    public static partial void ClientCertificateRejected(ILogger logger, string subject, string reason);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Debug, Message = "Call to {Method} completed with {StatusCode}.")]
    public static partial void CallCompleted(ILogger logger, string method, StatusCode statusCode);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "gRPC health status of '{Service}' is now {Status}.")]
    public static partial void HealthStatusChanged(ILogger logger, string service, GrpcServingStatus status);
}
