using System.Runtime.CompilerServices;
using MeshScaler.Grpc.Client;
using MeshScaler.Keda;

namespace MeshScaler.Simulation;

/// <summary>KEDA's side of the ExternalScaler contract, as the demo plays it. Failures throw <c>RpcException</c>.</summary>
internal sealed class KedaGrpcClient(Uri address) : IDisposable
{
    private readonly GrpcClient _grpc = new(address);

    public async Task<bool> IsActiveAsync(ScaledObjectRef request, CancellationToken cancellationToken) =>
        (await _grpc.UnaryAsync(ExternalScalerService.IsActiveMethod, request, IsActiveResponse.Parser, cancellationToken)).Result;

    public Task<GetMetricSpecResponse> GetMetricSpecAsync(ScaledObjectRef request, CancellationToken cancellationToken) =>
        _grpc.UnaryAsync(ExternalScalerService.GetMetricSpecMethod, request, GetMetricSpecResponse.Parser, cancellationToken);

    public Task<GetMetricsResponse> GetMetricsAsync(GetMetricsRequest request, CancellationToken cancellationToken) =>
        _grpc.UnaryAsync(ExternalScalerService.GetMetricsMethod, request, GetMetricsResponse.Parser, cancellationToken);

    /// <summary>Opens StreamIsActive and yields every message until the server ends the stream.</summary>
    public async IAsyncEnumerable<bool> StreamIsActiveAsync(ScaledObjectRef request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var response in _grpc.ServerStreamingAsync(ExternalScalerService.StreamIsActiveMethod, request, IsActiveResponse.Parser, cancellationToken))
        {
            yield return response.Result;
        }
    }

    public void Dispose() => _grpc.Dispose();
}
