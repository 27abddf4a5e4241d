using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Grpc;

/// <summary>
/// One call from its start to its trailers: deadline, request reading, response writing, and the mapping of
/// whatever the handler did to a gRPC status.
/// </summary>
internal sealed class GrpcServerCall : IDisposable
{
    // Timers of CancellationTokenSource cannot be longer than this; a longer deadline simply never fires.
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly HttpContext _httpContext;
    private readonly ILogger _logger;
    private readonly int _maxReceiveMessageSize;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly CancellationTokenSource _callCts;
    private readonly RequestEncoding _encoding;
    private readonly string? _unsupportedEncoding;
    private int _writing;
    private bool _completed;
    private bool _messageWritten;

    public GrpcServerCall(HttpContext httpContext, string method, GrpcServerOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _httpContext = httpContext;
        _logger = logger;
        _maxReceiveMessageSize = options.MaxReceiveMessageSize;
        Method = method;

        DateTimeOffset? deadline = null;
        var headers = httpContext.Request.Headers;
        if (headers.TryGetValue(GrpcProtocolHelpers.TimeoutHeader, out var timeoutValue))
        {
            if (GrpcProtocolHelpers.TryParseTimeout(timeoutValue, out var timeout))
            {
                var now = timeProvider.GetUtcNow();
                deadline = timeout < DateTimeOffset.MaxValue - now ? now + timeout : DateTimeOffset.MaxValue;
                if (timeout <= MaxTimerDelay)
                {
                    _deadlineCts = new CancellationTokenSource(timeout, timeProvider);
                }
            }
            else
            {
                // Like grpc-dotnet: a malformed timeout is the client's mistake, but not worth failing the call over.
                GrpcServerLog.InvalidTimeoutIgnored(logger, timeoutValue.ToString(), method);
            }
        }

        _callCts = _deadlineCts is null
            ? CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted)
            : CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, _deadlineCts.Token);

        var encoding = headers[GrpcProtocolHelpers.EncodingHeader].ToString();
        if (encoding.Length == 0 || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            _encoding = RequestEncoding.Identity;
        }
        else if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            _encoding = RequestEncoding.Gzip;
        }
        else
        {
            _unsupportedEncoding = encoding;
        }

        Context = new ServerCallContext(httpContext, method, deadline, _callCts.Token);
    }

    public string Method { get; }

    public ServerCallContext Context { get; }

    private bool ClientAborted => _httpContext.RequestAborted.IsCancellationRequested;

    private bool DeadlinePassed => _deadlineCts?.IsCancellationRequested == true;

    /// <summary>Runs <paramref name="invoke"/> and ends the call with the status it earned. Never throws.</summary>
    public async Task RunAsync(Func<GrpcServerCall, Task> invoke)
    {
        StatusCode status;
        string detail;
        try
        {
            if (_unsupportedEncoding is not null)
            {
                GrpcServerLog.UnsupportedEncoding(_logger, Method, _unsupportedEncoding);
                _httpContext.Response.Headers[GrpcProtocolHelpers.AcceptEncodingHeader] = GrpcProtocolHelpers.SupportedEncodings;
                throw new RpcException(StatusCode.Unimplemented, $"grpc-encoding '{_unsupportedEncoding}' is not supported; supported: {GrpcProtocolHelpers.SupportedEncodings}.");
            }

            await invoke(this);
            (status, detail) = DeadlinePassed ? DeadlineStatus() : (StatusCode.OK, string.Empty);
        }
        catch (Exception) when (ClientAborted)
        {
            // Nothing can reach the client any more, and a client hanging up is no fault of the handler.
            status = StatusCode.Cancelled;
            detail = "The client cancelled the call.";
        }
        catch (Exception ex) when (DeadlinePassed && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled or StatusCode.DeadlineExceeded })
        {
            (status, detail) = DeadlineStatus();
        }
        catch (RpcException ex)
        {
            status = ex.StatusCode;
            detail = ex.Detail;
            if (ex.StatusCode == StatusCode.OK)
            {
                // OK with a message would confuse clients; an RpcException(OK) is a handler bug.
                status = StatusCode.Unknown;
                detail = "Exception was thrown by handler.";
                GrpcServerLog.HandlerFailed(_logger, Method, ex);
            }
            else
            {
                GrpcServerLog.RpcExceptionThrown(_logger, Method, status, detail);
            }
        }
        catch (Exception ex)
        {
            status = StatusCode.Unknown;
            detail = "Exception was thrown by handler.";
            GrpcServerLog.HandlerFailed(_logger, Method, ex);
        }

        await EndAsync(status, detail);
    }

    public Task<TRequest> ReadSingleRequestAsync<TRequest>(MessageParser<TRequest> parser)
        where TRequest : IMessage<TRequest>
        => ReadCoreAsync(parser);

    /// <summary>
    /// Writes one response message, with the response headers if they are not out yet. With <paramref name="flush"/>
    /// false the bytes leave with the trailers (one round of frames for a unary answer).
    /// </summary>
    public async Task WriteMessageAsync(IMessage message, bool flush, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Volatile.Read(ref _completed))
        {
            throw new InvalidOperationException($"The call to {Method} has ended; no more messages can be written.");
        }

        Context.CancellationToken.ThrowIfCancellationRequested();
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.Exchange(ref _writing, 1) != 0)
        {
            throw new InvalidOperationException($"A write to the call {Method} is already in progress; await each write before the next.");
        }

        try
        {
            var response = _httpContext.Response;
            if (!response.HasStarted)
            {
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = GrpcProtocolHelpers.GrpcContentType;
            }

            GrpcMessageWriter.Write(response.BodyWriter, message);
            _messageWritten = true;
            if (!flush)
            {
                return;
            }

            using var linked = cancellationToken.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(Context.CancellationToken, cancellationToken)
                : null;
            await response.BodyWriter.FlushAsync(linked?.Token ?? Context.CancellationToken);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }

        // A flush on a reset stream completes quietly; make the handler notice.
        Context.CancellationToken.ThrowIfCancellationRequested();
    }

    public void Dispose()
    {
        _callCts.Dispose();
        _deadlineCts?.Dispose();
    }

    private async Task<TRequest> ReadCoreAsync<TRequest>(MessageParser<TRequest> parser)
        where TRequest : IMessage<TRequest>
    {
        try
        {
            return await GrpcMessageReader.ReadSingleMessageAsync(
                _httpContext.Request.BodyReader, parser, _encoding, _maxReceiveMessageSize, Context.CancellationToken);
        }
        catch (RpcException ex)
        {
            GrpcServerLog.InvalidRequestMessage(_logger, Method, ex.StatusCode, ex.Detail);
            throw;
        }
    }

    private (StatusCode Status, string Detail) DeadlineStatus()
    {
        GrpcServerLog.DeadlineExceeded(_logger, Method);
        return (StatusCode.DeadlineExceeded, "Deadline Exceeded");
    }

    private Task EndAsync(StatusCode status, string detail)
    {
        Volatile.Write(ref _completed, true);
        if (ClientAborted)
        {
            GrpcServerLog.CallCancelledByClient(_logger, Method);
            return Task.CompletedTask;
        }

        GrpcServerLog.CallCompleted(_logger, Method, status);
        var response = _httpContext.Response;
        if (!_messageWritten && !response.HasStarted)
        {
            GrpcProtocolHelpers.WriteTrailersOnly(response, status, detail);
            return Task.CompletedTask;
        }

        var encodedDetail = detail.Length == 0 ? null : GrpcProtocolHelpers.PercentEncode(detail);
        response.AppendTrailer(GrpcProtocolHelpers.StatusTrailer, ((int)status).ToString(CultureInfo.InvariantCulture));
        if (encodedDetail is not null)
        {
            response.AppendTrailer(GrpcProtocolHelpers.MessageTrailer, encodedDetail);
        }

        return Task.CompletedTask;
    }
}
