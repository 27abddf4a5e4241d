using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MeshScaler.Grpc;

public static class GrpcApplicationBuilderExtensions
{
    /// <summary>
    /// Answers every request that arrives on a listener configured with
    /// <see cref="GrpcKestrelExtensions.ListenGrpc"/> as a gRPC call and passes all other requests on untouched.
    /// Put it first so no other middleware sees gRPC traffic.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>services.AddGrpcServer()</c> was not called.</exception>
    public static IApplicationBuilder UseGrpcServer(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<GrpcServiceRegistry>() is null)
        {
            throw new InvalidOperationException("UseGrpcServer() needs services.AddGrpcServer() first.");
        }

        return app.UseMiddleware<GrpcServerMiddleware>();
    }
}
