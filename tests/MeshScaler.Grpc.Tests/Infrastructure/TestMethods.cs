using Google.Protobuf.WellKnownTypes;

namespace MeshScaler.Grpc.Tests.Infrastructure;

/// <summary>Methods of a made-up <c>test.Echo</c> service over well-known types, so no test proto is needed.</summary>
internal static class TestMethods
{
    public const string Unary = "/test.Echo/Unary";
    public const string Count = "/test.Echo/Count";
    public const string Fail = "/test.Echo/Fail";
    public const string Throw = "/test.Echo/Throw";
    public const string Wait = "/test.Echo/Wait";
    public const string Endless = "/test.Echo/Endless";
    public const string Size = "/test.Echo/Size";

    public const string SecretDetail = "secret detail that must not leak";

    public static void Register(GrpcServiceRegistry registry, CallProbe probe)
    {
        registry.AddUnary<StringValue, StringValue>(Unary, StringValue.Parser, (request, context) =>
        {
            probe.LastContext = context;
            return Task.FromResult(new StringValue { Value = "echo: " + request.Value });
        });

        registry.AddServerStreaming<Int32Value, Int32Value>(Count, Int32Value.Parser, async (request, writer, context) =>
        {
            for (var i = 0; i < request.Value; i++)
            {
                await writer.WriteAsync(new Int32Value { Value = i }, context.CancellationToken);
            }
        });

        registry.AddUnary<StringValue, StringValue>(Fail, StringValue.Parser, (request, _) =>
            throw new RpcException(StatusCode.InvalidArgument, request.Value));

        registry.AddUnary<StringValue, StringValue>(Throw, StringValue.Parser, (_, _) =>
            throw new InvalidOperationException(SecretDetail));

        registry.AddUnary<StringValue, StringValue>(Wait, StringValue.Parser, async (_, context) =>
        {
            probe.LastContext = context;
            probe.HandlerStarted.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                return new StringValue();
            }
            catch (OperationCanceledException)
            {
                probe.HandlerCancelled.TrySetResult();
                throw;
            }
        });

        registry.AddServerStreaming<StringValue, StringValue>(Endless, StringValue.Parser, async (_, writer, context) =>
        {
            try
            {
                await writer.WriteAsync(new StringValue { Value = "first" }, context.CancellationToken);
                probe.HandlerStarted.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                probe.HandlerCancelled.TrySetResult();
                throw;
            }
            finally
            {
                probe.HandlerEnded.TrySetResult();
            }
        });

        registry.AddUnary<StringValue, Int32Value>(Size, StringValue.Parser, (request, context) =>
        {
            probe.LastEncoding = context.HttpContext.Request.Headers["grpc-encoding"].ToString();
            return Task.FromResult(new Int32Value { Value = request.Value.Length });
        });
    }
}
