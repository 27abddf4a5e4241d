using MeshScaler.Core;
using MeshScaler.Engine;
using MeshScaler.Grpc;

namespace MeshScaler.Keda;

/// <summary>
/// KEDA's <c>externalscaler.ExternalScaler</c> service: translates requests into <see cref="ScaleTarget"/>s, asks the
/// <see cref="SignalStore"/>, and translates signals back. No scaling logic lives here.
/// </summary>
internal sealed class ExternalScalerService(
    SignalStore store, TriggerTargets targets, HostMetrics metrics, TimeProvider time, IHostApplicationLifetime lifetime)
{
    public const string ServiceName = "externalscaler.ExternalScaler";
    public const string IsActiveMethod = "/" + ServiceName + "/IsActive";
    public const string StreamIsActiveMethod = "/" + ServiceName + "/StreamIsActive";
    public const string GetMetricSpecMethod = "/" + ServiceName + "/GetMetricSpec";
    public const string GetMetricsMethod = "/" + ServiceName + "/GetMetrics";

    public static void Register(GrpcServiceRegistry registry, IServiceProvider services)
    {
        var service = services.GetRequiredService<ExternalScalerService>();
        registry.AddUnary(IsActiveMethod, ScaledObjectRef.Parser, (r, c) => service.Instrumented("IsActive", r, c, service.IsActiveAsync));
        registry.AddUnary(GetMetricSpecMethod, ScaledObjectRef.Parser, (r, c) => service.Instrumented("GetMetricSpec", r, c, service.GetMetricSpecAsync));
        registry.AddUnary(GetMetricsMethod, GetMetricsRequest.Parser, (r, c) => service.Instrumented("GetMetrics", r, c, service.GetMetricsAsync));
        registry.AddServerStreaming<ScaledObjectRef, IsActiveResponse>(StreamIsActiveMethod, ScaledObjectRef.Parser, service.StreamIsActiveAsync);
    }

    /// <summary>Answers from the metadata alone, never calling Pulsar, so KEDA can build its HPA during an outage.</summary>
    public Task<GetMetricSpecResponse> GetMetricSpecAsync(ScaledObjectRef request, ServerCallContext context)
    {
        var target = targets.Parse(request);
        store.ResolveCluster(target);
        var response = new GetMetricSpecResponse
        {
            MetricSpecs =
            {
                new MetricSpec
                {
                    MetricName = target.MetricName,
                    TargetSize = (long)Math.Ceiling(target.MetricTarget),
                    TargetSizeFloat = target.MetricTarget,
                },
            },
        };
        return Task.FromResult(response);
    }

    public async Task<GetMetricsResponse> GetMetricsAsync(GetMetricsRequest request, ServerCallContext context)
    {
        var target = targets.Parse(request.ScaledObjectRef ?? new ScaledObjectRef());

        // KEDA strips its s{index}- prefix and may lowercase; anything else is a request for a metric we never offered.
        if (!string.IsNullOrEmpty(request.MetricName) && !string.Equals(request.MetricName, target.MetricName, StringComparison.OrdinalIgnoreCase))
        {
            throw new ScalingException(
                ScalingErrorKind.InvalidArgument,
                $"metric \"{request.MetricName}\" is not served by this trigger; GetMetricSpec returns \"{target.MetricName}\"");
        }

        var signal = await store.GetMetricAsync(target, context.CancellationToken);
        return new GetMetricsResponse
        {
            MetricValues =
            {
                new MetricValue
                {
                    MetricName = target.MetricName,
                    MetricValue_ = (long)Math.Ceiling(signal.MetricValue),
                    MetricValueFloat = signal.MetricValue,
                },
            },
        };
    }

    public async Task<IsActiveResponse> IsActiveAsync(ScaledObjectRef request, ServerCallContext context)
    {
        var target = targets.Parse(request);
        var signal = await store.GetAsync(target, context.CancellationToken);
        return new IsActiveResponse { Result = signal.IsActive };
    }

    /// <summary>
    /// Sends the current activity at once, then only transitions, until the client goes away. The watch is taken
    /// before the first read so no transition between the two is lost. A later outage sends nothing (unknown is not
    /// inactive); a failing first read ends the stream with that error.
    /// </summary>
    public async Task StreamIsActiveAsync(ScaledObjectRef request, IServerStreamWriter<IsActiveResponse> writer, ServerCallContext context)
    {
        var started = time.GetTimestamp();
        metrics.StreamOpened();
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            var target = targets.Parse(request);
            using var watch = store.Watch(target);
            var first = await store.GetAsync(target, stream.Token);
            var last = first.IsActive;
            await writer.WriteAsync(new IsActiveResponse { Result = last }, stream.Token);
            metrics.Record("StreamIsActive", StatusCode.OK, time.GetElapsedTime(started));
            await foreach (var active in watch.Changes.ReadAllAsync(stream.Token))
            {
                if (active != last)
                {
                    last = active;
                    await writer.WriteAsync(new IsActiveResponse { Result = active }, stream.Token);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // Shutting down: end the stream cleanly.
        }
        catch (ScalingException ex)
        {
            var rpc = ScalerErrors.ToRpcException(ex);
            metrics.Record("StreamIsActive", rpc.StatusCode, time.GetElapsedTime(started));
            throw rpc;
        }
        catch (RpcException ex)
        {
            metrics.Record("StreamIsActive", ex.StatusCode, time.GetElapsedTime(started));
            throw;
        }
        finally
        {
            metrics.StreamClosed();
        }
    }

    private async Task<TResponse> Instrumented<TRequest, TResponse>(
        string method, TRequest request, ServerCallContext context, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
    {
        var started = time.GetTimestamp();
        var status = StatusCode.Unknown;
        try
        {
            var response = await handler(request, context);
            status = StatusCode.OK;
            return response;
        }
        catch (ScalingException ex)
        {
            var rpc = ScalerErrors.ToRpcException(ex);
            status = rpc.StatusCode;
            throw rpc;
        }
        catch (RpcException ex)
        {
            status = ex.StatusCode;
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            status = context.Deadline is { } deadline && time.GetUtcNow() >= deadline ? StatusCode.DeadlineExceeded : StatusCode.Cancelled;
            throw;
        }
        finally
        {
            metrics.Record(method, status, time.GetElapsedTime(started));
        }
    }
}
