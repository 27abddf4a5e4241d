using Google.Protobuf;

namespace MeshScaler.Grpc;

internal sealed class ServerStreamingServerMethod<TRequest, TResponse>(
    string fullName, MessageParser<TRequest> parser, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
    : ServerMethod(fullName)
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage
{
    public override async Task InvokeAsync(GrpcServerCall call)
    {
        var request = await call.ReadSingleRequestAsync(parser);
        await handler(request, new StreamWriter(call), call.Context);
    }

    private sealed class StreamWriter(GrpcServerCall call) : IServerStreamWriter<TResponse>
    {
        public Task WriteAsync(TResponse message, CancellationToken cancellationToken = default)
            => call.WriteMessageAsync(message, flush: true, cancellationToken);
    }
}
