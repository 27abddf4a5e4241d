using System.Collections.Frozen;
using Google.Protobuf;

namespace MeshScaler.Grpc;

/// <summary>
/// The methods the gRPC server answers, by full path. Filled while the host builds its services
/// (<see cref="IGrpcServerBuilder.AddMethods"/>); read-only once the server handles calls.
/// </summary>
public sealed class GrpcServiceRegistry
{
    private readonly Dictionary<string, ServerMethod> _building = new(StringComparer.Ordinal);
    private FrozenDictionary<string, ServerMethod>? _frozen;

    internal GrpcServiceRegistry()
    {
    }

    /// <summary>The registered full method paths.</summary>
    public IReadOnlyCollection<string> Methods => _frozen?.Keys ?? (IReadOnlyCollection<string>)_building.Keys;

    /// <summary>Registers a unary method.</summary>
    /// <param name="fullMethod">The wire path, <c>/package.Service/Method</c>; case-sensitive, unique.</param>
    /// <exception cref="ArgumentException">The path is malformed or already registered.</exception>
    /// <exception cref="InvalidOperationException">The server already started.</exception>
    public GrpcServiceRegistry AddUnary<TRequest, TResponse>(
        string fullMethod, MessageParser<TRequest> parser, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(handler);
        Add(new UnaryServerMethod<TRequest, TResponse>(CheckPath(fullMethod), parser, handler));
        return this;
    }

    /// <summary>Registers a server-streaming method (one request message, any number of responses).</summary>
    /// <param name="fullMethod">The wire path, <c>/package.Service/Method</c>; case-sensitive, unique.</param>
    /// <exception cref="ArgumentException">The path is malformed or already registered.</exception>
    /// <exception cref="InvalidOperationException">The server already started.</exception>
    public GrpcServiceRegistry AddServerStreaming<TRequest, TResponse>(
        string fullMethod, MessageParser<TRequest> parser, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(handler);
        Add(new ServerStreamingServerMethod<TRequest, TResponse>(CheckPath(fullMethod), parser, handler));
        return this;
    }

    internal void Freeze() => _frozen ??= _building.ToFrozenDictionary(StringComparer.Ordinal);

    internal bool TryGetMethod(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ServerMethod? method)
    {
        var methods = _frozen ?? throw new InvalidOperationException("The gRPC method registry was used before it was frozen.");
        return methods.TryGetValue(path, out method);
    }

    private static string CheckPath(string fullMethod)
    {
        ArgumentNullException.ThrowIfNull(fullMethod);
        var slash = fullMethod.LastIndexOf('/');
        if (fullMethod.Length < 4 || fullMethod[0] != '/' || slash <= 1 || slash == fullMethod.Length - 1
            || fullMethod.AsSpan(1).ContainsAny(" ?#"))
        {
            throw new ArgumentException($"'{fullMethod}' is not a gRPC method path; expected /package.Service/Method.", nameof(fullMethod));
        }

        return fullMethod;
    }

    private void Add(ServerMethod method)
    {
        if (_frozen is not null)
        {
            throw new InvalidOperationException($"Cannot register {method.FullName}: gRPC methods must be registered before the server starts.");
        }

        if (!_building.TryAdd(method.FullName, method))
        {
            throw new ArgumentException($"The gRPC method {method.FullName} is registered twice.", nameof(method));
        }
    }
}
