using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshScaler.Grpc.Tests;

public sealed class GrpcServiceRegistryTests
{
    [Theory]
    [InlineData("")]
    [InlineData("test.Echo/Unary")]
    [InlineData("/test.Echo/")]
    [InlineData("/Unary")]
    [InlineData("/test.Echo/Un ary")]
    public void AddUnary_MalformedPath_ThrowsNamingPath(string path)
    {
        var registry = new GrpcServiceRegistry();

        var error = Assert.Throws<ArgumentException>(() => registry.AddUnary<StringValue, StringValue>(path, StringValue.Parser, Echo));

        Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddUnary_Duplicate_ThrowsNamingPath()
    {
        var registry = new GrpcServiceRegistry().AddUnary<StringValue, StringValue>("/a.B/C", StringValue.Parser, Echo);

        var error = Assert.Throws<ArgumentException>(() => registry.AddServerStreaming<StringValue, StringValue>("/a.B/C", StringValue.Parser, (_, _, _) => Task.CompletedTask));

        Assert.Contains("/a.B/C", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddUnary_AfterFreeze_Throws()
    {
        var registry = new GrpcServiceRegistry();
        registry.Freeze();

        Assert.Throws<InvalidOperationException>(() => registry.AddUnary<StringValue, StringValue>("/a.B/C", StringValue.Parser, Echo));
    }

    [Fact]
    public void AddGrpcServer_Resolved_HasHealthAndHostMethods()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddGrpcServer().AddMethods((registry, _) => registry.AddUnary<StringValue, StringValue>("/a.B/C", StringValue.Parser, Echo));
        using var provider = services.BuildServiceProvider();

        var methods = provider.GetRequiredService<GrpcServiceRegistry>().Methods;

        Assert.Equal(["/a.B/C", "/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch"], methods.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Options_NonPositiveMaxReceiveSize_FailsNamingSetting()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddGrpcServer(o => o.MaxReceiveMessageSize = 0);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GrpcServerOptions>>().Value);

        Assert.Contains("GrpcServerOptions.MaxReceiveMessageSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseGrpcServer_WithoutAddGrpcServer_ThrowsWithHint()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.UseGrpcServer());

        Assert.Contains("AddGrpcServer", error.Message, StringComparison.Ordinal);
    }

    private static Task<StringValue> Echo(StringValue request, ServerCallContext context) => Task.FromResult(request);
}
