using Google.Protobuf;

namespace MeshScaler.Grpc;

internal sealed class UnaryServerMethod<TRequest, TResponse>(
    string fullName, MessageParser<TRequest> parser, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
    : ServerMethod(fullName)
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage
{
    public override async Task InvokeAsync(GrpcServerCall call)
    {
        var request = await call.ReadSingleRequestAsync(parser);
        var response = await handler(request, call.Context)
            ?? throw new InvalidOperationException($"The handler of {FullName} returned a null response.");
        await call.WriteMessageAsync(response, flush: false, CancellationToken.None);
    }
}
