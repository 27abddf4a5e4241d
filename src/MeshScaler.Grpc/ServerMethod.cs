namespace MeshScaler.Grpc;

/// <summary>A registered method: knows its message types and how to run its handler inside a call.</summary>
internal abstract class ServerMethod(string fullName)
{
    public string FullName { get; } = fullName;

    public abstract Task InvokeAsync(GrpcServerCall call);
}
