using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace MeshScaler.Grpc;

/// <summary>
/// Tags connections accepted by a gRPC listener so the middleware can tell them from connections of other
/// listeners on the same Kestrel (the ops HTTP port).
/// </summary>
internal static class GrpcConnectionMarker
{
    private static readonly object ItemKey = new();

    public static void Mark(ConnectionContext connection) => connection.Items[ItemKey] = true;

    public static bool IsGrpcConnection(IConnectionItemsFeature? items)
        => items is not null && items.Items.ContainsKey(ItemKey);
}
