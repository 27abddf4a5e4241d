using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;

namespace MeshScaler.Keda;

/// <summary>
/// Records every call on the gRPC listener, by method and final status, in one place: calls Grpc.AspNetCore refuses
/// before a handler runs (an unknown method, a wrong content type, a message too large) as much as handled ones.
/// </summary>
/// <remarks>
/// The final status is what the client reads: for a call the client reset, DEADLINE_EXCEEDED when it came in the second
/// half of the call's deadline, else CANCELLED; otherwise <c>grpc-status</c> from the trailers, or from the headers of a Trailers-Only
/// response, or the status Grpc.AspNetCore's call context decided, or else the HTTP status mapped as gRPC clients map
/// it. A stream's latency runs to its response's start (its first message), not its whole life; a unary call's to its
/// end. Unknown methods share one label, <c>unknown</c>, so a scanner cannot grow the series.
/// </remarks>
internal sealed class RpcMetricsMiddleware(RequestDelegate next, HostMetrics metrics, Hosting.ListenerEndpoints endpoints, TimeProvider time)
{
    public const string UnknownMethod = "unknown";


    public async Task InvokeAsync(HttpContext context)
    {
        if (!endpoints.IsGrpc(context.Connection.LocalPort))
        {
            await next(context);
            return;
        }

        var begun = time.GetTimestamp();
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;

        // Only a stream needs its first answer timed apart from its end; a unary call's response starts as it ends, so
        // the hot path registers no callback and allocates nothing here.
        var stream = method is { Type: MethodType.ServerStreaming, Name: nameof(ExternalScaler.ExternalScalerBase.StreamIsActive) }
                     && method.ServiceName == ExternalScaler.Descriptor.FullName
            ? new FirstAnswer(time)
            : null;
        if (stream is not null)
        {
            context.Response.OnStarting(static state => ((FirstAnswer)state).Record(), stream);
            metrics.StreamOpened();
        }

        try
        {
            await next(context);
        }
        finally
        {
            if (stream is not null)
            {
                metrics.StreamClosed();
            }

            var end = stream is { At: > 0 } ? stream.At : time.GetTimestamp();
            metrics.Record(method?.Name ?? UnknownMethod, FinalStatus(context, time, time.GetElapsedTime(begun)), time.GetElapsedTime(begun, end));
        }
    }

    private static string FinalStatus(HttpContext context, TimeProvider time, TimeSpan elapsed)
    {
        var call = context.Features.Get<IServerCallContextFeature>()?.ServerCallContext;
        if (context.RequestAborted.IsCancellationRequested)
        {
            // The client reset the stream: whatever the server wrote after that never reached it. A client resets at
            // its own deadline, often before the server's DEADLINE_EXCEEDED could be sent. The server's deadline is the
            // client's plus the request's transit (grpc-timeout is relative), which on a busy host is a good part of a
            // short timeout: a reset in the second half of the call's time budget is taken for its deadline.
            var deadline = call?.Deadline;
            if (deadline is not { } d || d == DateTime.MaxValue)
            {
                return StatusCode.Cancelled.ToCanonicalName();
            }

            var remaining = d - time.GetUtcNow().UtcDateTime;
            return (remaining <= elapsed ? StatusCode.DeadlineExceeded : StatusCode.Cancelled).ToCanonicalName();
        }

        var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        var status = trailers?["grpc-status"] is { Count: > 0 } fromTrailers ? fromTrailers.ToString() : context.Response.Headers["grpc-status"].ToString();
        if (int.TryParse(status, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
        {
            return ((StatusCode)code).ToCanonicalName();
        }

        // A call the library reset itself at its deadline has no trailers; its call context holds the status it decided.
        return call is not null
            ? call.Status.StatusCode.ToCanonicalName()
            : GrpcStatusNames.FromHttpStatus(context.Response.StatusCode).ToCanonicalName();
    }

    /// <summary>When a stream's response started: its first message, or its Trailers-Only end.</summary>
    private sealed class FirstAnswer(TimeProvider time)
    {
        public long At { get; private set; }

        public Task Record()
        {
            At = time.GetTimestamp();
            return Task.CompletedTask;
        }
    }
}
