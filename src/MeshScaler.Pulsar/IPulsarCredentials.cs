namespace MeshScaler.Pulsar;

/// <summary>Adds a cluster's authentication to each request, redirect hops included.</summary>
internal interface IPulsarCredentials : IDisposable
{
    /// <summary>Sets the headers; throws <see cref="MeshScaler.Core.ScalingException"/> when credentials cannot be obtained.</summary>
    ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>
    /// Called when the server answered 401: drops any cached credential so the next request obtains a fresh one.
    /// By default nothing: credentials read from files are re-read when they change anyway.
    /// </summary>
    void Invalidate()
    {
    }

    /// <summary>By default nothing to release; credentials holding clients or locks override it.</summary>
    void IDisposable.Dispose()
    {
    }
}
