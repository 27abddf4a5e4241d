using System.Globalization;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshScaler.Grpc;

/// <summary>
/// Dispatches requests from gRPC listeners to registered methods, in the order the spec's checks imply:
/// HTTP/2, POST, content-type, then the method path. Requests from other listeners go to the next middleware.
/// </summary>
internal sealed class GrpcServerMiddleware
{
    /// <summary>Logger category of everything the server logs.</summary>
    public const string LoggerCategory = "MeshScaler.Grpc.GrpcServer";

    private readonly RequestDelegate _next;
    private readonly GrpcServiceRegistry _registry;
    private readonly GrpcServerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public GrpcServerMiddleware(
        RequestDelegate next, GrpcServiceRegistry registry, IOptions<GrpcServerOptions> options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _next = next;
        _registry = registry;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger(LoggerCategory);
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!GrpcConnectionMarker.IsGrpcConnection(context.Features.Get<IConnectionItemsFeature>()))
        {
            return _next(context);
        }

        var request = context.Request;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            GrpcServerLog.UnsupportedProtocol(_logger, request.Protocol, request.Path);
            return RefuseAsync(context, StatusCodes.Status426UpgradeRequired, $"Request protocol '{request.Protocol}' is not supported. gRPC needs HTTP/2.", grpcStatus: false);
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            GrpcServerLog.UnsupportedHttpMethod(_logger, request.Method, request.Path);
            context.Response.Headers.Allow = HttpMethods.Post;
            return RefuseAsync(context, StatusCodes.Status405MethodNotAllowed, $"Request method '{request.Method}' is not supported. gRPC needs POST.", grpcStatus: true);
        }

        if (!GrpcProtocolHelpers.IsGrpcContentType(request.ContentType))
        {
            GrpcServerLog.UnsupportedContentType(_logger, request.Path, request.ContentType);
            return RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{request.ContentType}' is not supported. gRPC needs application/grpc.", grpcStatus: true);
        }

        var path = request.Path.Value ?? string.Empty;
        if (!_registry.TryGetMethod(path, out var method))
        {
            GrpcServerLog.MethodNotFound(_logger, path);
            GrpcProtocolHelpers.WriteTrailersOnly(context.Response, StatusCode.Unimplemented, $"Method {path} is unimplemented.");
            return Task.CompletedTask;
        }

        return RunCallAsync(context, method);
    }

    private static Task RefuseAsync(HttpContext context, int httpStatus, string message, bool grpcStatus)
    {
        var response = context.Response;
        response.StatusCode = httpStatus;
        if (grpcStatus)
        {
            // For gRPC clients, which read the status before the HTTP code.
            GrpcProtocolHelpers.WriteStatusHeaders(response, StatusCode.Internal, message);
        }

        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(message, context.RequestAborted);
    }

    private async Task RunCallAsync(HttpContext context, ServerMethod method)
    {
        using var call = new GrpcServerCall(context, method.FullName, _options, _timeProvider, _logger);
        await call.RunAsync(method.InvokeAsync);
    }
}
