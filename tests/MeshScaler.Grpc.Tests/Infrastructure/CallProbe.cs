namespace MeshScaler.Grpc.Tests.Infrastructure;

/// <summary>What the test methods saw, for tests to await without timing.</summary>
internal sealed class CallProbe
{
    public TaskCompletionSource HandlerStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource HandlerCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource HandlerEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ServerCallContext? LastContext { get; set; }

    public string? LastEncoding { get; set; }
}
