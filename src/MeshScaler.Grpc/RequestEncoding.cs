namespace MeshScaler.Grpc;

/// <summary>The <c>grpc-encoding</c> of a request: how messages with the compressed flag set are compressed.</summary>
internal enum RequestEncoding
{
    Identity,
    Gzip,
}
