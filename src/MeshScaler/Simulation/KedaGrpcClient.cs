using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using MeshScaler.Keda;

namespace MeshScaler.Simulation;

/// <summary>
/// KEDA's side of the ExternalScaler contract, as the demo plays it, on Grpc.Net.Client over one h2c connection (KEDA
/// too multiplexes every call and stream on one). Failures throw <see cref="RpcException"/>.
/// </summary>
internal sealed class KedaGrpcClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly ExternalScaler.ExternalScalerClient _client;

    public KedaGrpcClient(Uri address)
    {
        // A stop (Ctrl+C, SIGTERM, --duration) cancels calls: an OperationCanceledException, as everywhere else in the
        // demo, not an RpcException that reads as a failed scaler.
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { ThrowOperationCanceledOnCancellation = true });
        _client = new ExternalScaler.ExternalScalerClient(_channel);
    }

    public async Task<bool> IsActiveAsync(ScaledObjectRef request, CancellationToken cancellationToken) =>
        (await _client.IsActiveAsync(request, cancellationToken: cancellationToken)).Result;

    public async Task<GetMetricSpecResponse> GetMetricSpecAsync(ScaledObjectRef request, CancellationToken cancellationToken) =>
        await _client.GetMetricSpecAsync(request, cancellationToken: cancellationToken);

    public async Task<GetMetricsResponse> GetMetricsAsync(GetMetricsRequest request, CancellationToken cancellationToken) =>
        await _client.GetMetricsAsync(request, cancellationToken: cancellationToken);

    /// <summary>Opens StreamIsActive and yields every message until the server ends the stream.</summary>
    public async IAsyncEnumerable<bool> StreamIsActiveAsync(ScaledObjectRef request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = _client.StreamIsActive(request, cancellationToken: cancellationToken);
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            yield return response.Result;
        }
    }

    public void Dispose() => _channel.Dispose();
}
