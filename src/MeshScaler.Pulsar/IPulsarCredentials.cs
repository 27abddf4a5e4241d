namespace MeshScaler.Pulsar;

/// <summary>Adds a cluster's authentication to each request, redirect hops included.</summary>
internal interface IPulsarCredentials : IDisposable
{
    /// <summary>Sets the headers; throws <see cref="MeshScaler.Core.ScalingException"/> when credentials cannot be obtained.</summary>
    ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken);
}
