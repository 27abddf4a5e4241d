namespace MeshScaler.Pulsar;

/// <summary>No header-based authentication; with a client certificate, names the <c>tls</c> method as Pulsar expects.</summary>
internal sealed class NoCredentials : IPulsarCredentials
{
    private readonly bool _clientCertificate;

    public NoCredentials(bool clientCertificate)
    {
        _clientCertificate = clientCertificate;
    }

    public ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_clientCertificate)
        {
            request.Headers.TryAddWithoutValidation(PulsarHeaders.AuthMethodName, "tls");
        }

        return ValueTask.CompletedTask;
    }
}
