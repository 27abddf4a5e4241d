namespace MeshScaler.Grpc.Health;

/// <summary>A service's status as reported by <c>grpc.health.v1.Health</c>; values match the proto enum.</summary>
public enum GrpcServingStatus
{
    Unknown = 0,
    Serving = 1,
    NotServing = 2,
}
