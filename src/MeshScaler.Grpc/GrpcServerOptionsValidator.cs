using Microsoft.Extensions.Options;

namespace MeshScaler.Grpc;

internal sealed class GrpcServerOptionsValidator : IValidateOptions<GrpcServerOptions>
{
    public ValidateOptionsResult Validate(string? name, GrpcServerOptions options)
    {
        var failures = new List<string>();
        if (options.MaxReceiveMessageSize <= 0)
        {
            failures.Add($"{nameof(GrpcServerOptions)}.{nameof(GrpcServerOptions.MaxReceiveMessageSize)} must be a positive number of bytes (was {options.MaxReceiveMessageSize}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
