using System.CommandLine;
using Grpc.Core;
using Google.Protobuf;
using MeshScaler.Hosting;
using MeshScaler.Keda;

namespace MeshScaler.Simulation;

/// <summary>
/// <c>query</c>: asks a running scaler what KEDA asks it, with the same client the demo uses, and prints the answer as
/// JSON; so a scaler can be checked where no gRPC tool is installed. A gRPC error prints its status and message and
/// exits 1.
/// </summary>
internal static class QueryCommand
{
    private static readonly string[] Methods = ["IsActive", "GetMetricSpec", "GetMetrics", "StreamIsActive"];

    private static readonly Argument<string> Method = new Argument<string>("method")
    {
        Description = "IsActive, GetMetricSpec, GetMetrics, or StreamIsActive (prints the first answer).",
    }.AcceptOnlyFromAmong(Methods);

    private static readonly Option<string> Address = new("--address")
    {
        HelpName = "HOST:PORT",
        Description = "The scaler's gRPC endpoint (cleartext).",
        DefaultValueFactory = _ => "127.0.0.1:9090",
    };

    private static readonly Option<string[]> Metadata = new("--metadata", "-m")
    {
        HelpName = "KEY=VALUE",
        Description = "Trigger metadata, as in a ScaledObject's trigger; repeat for each key.",
        AllowMultipleArgumentsPerToken = false,
        CustomParser = result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    result.AddError($"--metadata \"{token.Value}\" is not KEY=VALUE");
                }
            }

            return [.. result.Tokens.Select(t => t.Value)];
        },
    };

    private static readonly Option<string> Name = new("--name") { Description = "The ScaledObject's name.", DefaultValueFactory = _ => "query" };

    private static readonly Option<string> Namespace = new("--namespace") { Description = "The ScaledObject's namespace.", DefaultValueFactory = _ => "default" };

    private static readonly Option<string?> MetricName = new("--metric-name") { Description = "GetMetrics: the metric name (default: the one GetMetricSpec gives)." };

    /// <summary>The verb, built once: System.CommandLine gives each option one parent, and parsing only reads the tree.</summary>
    public static Command Command { get; } = Create();

    private static Command Create()
    {
        var command = new Command("query", "Ask a running scaler what KEDA asks it, and print the answer as JSON.")
        {
            Method, Address, Metadata, Name, Namespace, MetricName,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        var reference = new ScaledObjectRef { Name = result.GetValue(Name)!, Namespace = result.GetValue(Namespace)! };
        foreach (var pair in result.GetValue(Metadata) ?? [])
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            reference.ScalerMetadata[pair[..at]] = pair[(at + 1)..];
        }

        using var client = new KedaGrpcClient(new Uri($"http://{result.GetValue(Address)}"));
        try
        {
            IMessage answer = result.GetValue(Method) switch
            {
                "IsActive" => new IsActiveResponse { Result = await client.IsActiveAsync(reference, cancellationToken) },
                "GetMetricSpec" => await client.GetMetricSpecAsync(reference, cancellationToken),
                "GetMetrics" => await client.GetMetricsAsync(
                    new GetMetricsRequest
                    {
                        ScaledObjectRef = reference,
                        MetricName = result.GetValue(MetricName) ?? (await client.GetMetricSpecAsync(reference, cancellationToken)).MetricSpecs[0].MetricName,
                    },
                    cancellationToken),
                _ => new IsActiveResponse { Result = await FirstAsync(client.StreamIsActiveAsync(reference, cancellationToken)) },
            };
            await output.WriteLineAsync(JsonFormatter.Default.Format(answer));
            return 0;
        }
        catch (RpcException ex)
        {
            await error.WriteLineAsync($"{result.GetValue(Method)}: {ex.StatusCode.ToCanonicalName()}: {ex.Status.Detail}");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            await error.WriteLineAsync($"cannot reach {result.GetValue(Address)}: {ex.Message}");
            return 1;
        }
    }

    private static async Task<bool> FirstAsync(IAsyncEnumerable<bool> stream)
    {
        await foreach (var active in stream)
        {
            return active;
        }

        throw new RpcException(new Status(StatusCode.Unavailable, "the stream ended without an answer"));
    }
}
