using Grpc.Core;
using MeshScaler.Core;
using MeshScaler.Engine;

namespace MeshScaler.Keda;

/// <summary>
/// KEDA's <c>externalscaler.ExternalScaler</c> service on Grpc.AspNetCore: translates requests into
/// <see cref="ScaleTarget"/>s, asks the <see cref="SignalStore"/>, and translates signals back. No scaling logic lives
/// here, and no error mapping: <see cref="ScalerErrorInterceptor"/> turns every <see cref="ScalingException"/> into its
/// status.
/// </summary>
internal sealed class ExternalScalerService(SignalStore store, TriggerTargets targets, IHostApplicationLifetime lifetime)
    : ExternalScaler.ExternalScalerBase
{
    /// <summary>Answers from the metadata alone, never calling Pulsar, so KEDA can build its HPA during an outage.</summary>
    public override Task<GetMetricSpecResponse> GetMetricSpec(ScaledObjectRef request, ServerCallContext context)
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

    public override async Task<GetMetricsResponse> GetMetrics(GetMetricsRequest request, ServerCallContext context)
    {
        var target = targets.Parse(request.ScaledObjectRef ?? new ScaledObjectRef());

        // KEDA strips its s{index}- prefix and may lowercase; anything else is a request for a metric we never offered.
        if (!string.IsNullOrEmpty(request.MetricName) && !string.Equals(request.MetricName, target.MetricName, StringComparison.OrdinalIgnoreCase))
        {
            // The more basic mistake first: a trigger naming a cluster it may not use is told that, whatever it asks for.
            store.ResolveCluster(target);
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

    public override async Task<IsActiveResponse> IsActive(ScaledObjectRef request, ServerCallContext context)
    {
        var target = targets.Parse(request);
        var signal = await store.GetAsync(target, context.CancellationToken);
        return new IsActiveResponse { Result = signal.IsActive };
    }

    /// <summary>
    /// Sends the current activity at once, then only transitions, until the client goes away; awaits a channel, so a
    /// stream costs no thread. The watch is taken before the first read so no transition between the two is lost. A
    /// later outage sends nothing (unknown is not inactive); a failing first read ends the stream with that error. On
    /// shutdown the stream ends with OK at once, instead of holding the host for Kestrel's shutdown timeout.
    /// </summary>
    public override async Task StreamIsActive(ScaledObjectRef request, IServerStreamWriter<IsActiveResponse> responseStream, ServerCallContext context)
    {
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            var target = targets.Parse(request);
            using var watch = store.Watch(target);
            var first = await store.GetAsync(target, stream.Token);
            var last = first.IsActive;
            await responseStream.WriteAsync(new IsActiveResponse { Result = last }, stream.Token);
            await foreach (var active in watch.Changes.ReadAllAsync(stream.Token))
            {
                if (active != last)
                {
                    last = active;
                    await responseStream.WriteAsync(new IsActiveResponse { Result = active }, stream.Token);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // Shutting down: end the stream cleanly.
        }
    }
}
