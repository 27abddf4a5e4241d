using MeshScaler.Grpc.Health;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshScaler.Grpc.Tests.Health;

public sealed class GrpcHealthStatusTests
{
    [Fact]
    public void Overall_BeforeStart_NotServingThenServing()
    {
        var health = new GrpcHealthStatus(NullLogger.Instance);
        Assert.True(health.TryGetStatus("", out var before));

        health.MarkStarted();

        Assert.Equal(GrpcServingStatus.NotServing, before);
        Assert.True(health.TryGetStatus("", out var after));
        Assert.Equal(GrpcServingStatus.Serving, after);
    }

    [Fact]
    public void MarkStarted_OverallSetByHost_KeepsHostValue()
    {
        var health = new GrpcHealthStatus(NullLogger.Instance);
        health.SetStatus("", GrpcServingStatus.NotServing);

        health.MarkStarted();

        Assert.True(health.TryGetStatus("", out var status));
        Assert.Equal(GrpcServingStatus.NotServing, status);
    }

    [Fact]
    public void MarkStopping_AllNotServingAndLaterSetsIgnored()
    {
        var health = new GrpcHealthStatus(NullLogger.Instance);
        health.MarkStarted();
        health.SetStatus("a", GrpcServingStatus.Serving);

        health.MarkStopping();
        health.SetStatus("a", GrpcServingStatus.Serving);

        Assert.True(health.TryGetStatus("", out var overall));
        Assert.True(health.TryGetStatus("a", out var a));
        Assert.Equal(GrpcServingStatus.NotServing, overall);
        Assert.Equal(GrpcServingStatus.NotServing, a);
    }

    [Fact]
    public void Snapshot_Change_CompletesTheSignalOnce()
    {
        var health = new GrpcHealthStatus(NullLogger.Instance);
        var (status, changed) = health.Snapshot("a");

        health.SetStatus("a", GrpcServingStatus.Serving);
        var (after, next) = health.Snapshot("a");

        Assert.Null(status);
        Assert.True(changed.IsCompletedSuccessfully);
        Assert.Equal(GrpcServingStatus.Serving, after);
        Assert.False(next.IsCompleted);
    }

    [Fact]
    public void ClearStatus_Overall_Throws()
    {
        var health = new GrpcHealthStatus(NullLogger.Instance);

        Assert.Throws<ArgumentException>(() => health.ClearStatus(""));
    }
}
