using System.Net;
using System.Text;
using MeshScaler.Core;

namespace MeshScaler.Pulsar.Tests;

public sealed class PulsarErrorsTests
{
    private const string Path = "/admin/v2/persistent/public/default/orders-in/stats";
    private const string Head = $"cluster 'prod': GET {Path} returned";

    public static TheoryData<string, int, string?, string, ScalingErrorKind, bool, string> Cases => new()
    {
        { "404 topic, 3.x/4.x", 404, "application/json", "{\"reason\":\"Topic persistent://public/default/orders-in not found\"}", ScalingErrorKind.NotFound, false, $"{Head} 404 Not Found: Topic persistent://public/default/orders-in not found" },
        { "404 topic, 2.x", 404, "application/json", "@notfound-2.x.json", ScalingErrorKind.NotFound, false, $"{Head} 404 Not Found: Topic not found" },
        { "404 without body", 404, null, string.Empty, ScalingErrorKind.NotFound, false, $"{Head} 404 Not Found" },
        { "401 authorization (JSON)", 401, "application/json", "@error-401-authorization.json", ScalingErrorKind.PermissionDenied, false, $"{Head} 401 Unauthorized: Unauthorized to validateTopicOperation for operation [GET_STATS] on topic [persistent://public/default/orders-in]" },
        { "401 authentication (servlet page)", 401, "text/html", "@error-401-servlet.html", ScalingErrorKind.Unauthenticated, false, $"{Head} 401 Unauthorized: authentication required; the cluster's credentials are missing or were rejected" },
        { "403", 403, "application/json", "{\"reason\":\"Cluster does not exist\"}", ScalingErrorKind.PermissionDenied, false, $"{Head} 403 Forbidden: Cluster does not exist" },
        { "412 invalid name", 412, "application/json", "{\"reason\":\"Topic name is not valid\"}", ScalingErrorKind.InvalidArgument, false, $"{Head} 412 Precondition Failed: Topic name is not valid" },
        { "412 no owner", 412, "application/json", "{\"reason\":\"Can't find owner for topic persistent://public/default/orders-in\"}", ScalingErrorKind.NotFound, false, $"{Head} 412 Precondition Failed: Can't find owner for topic persistent://public/default/orders-in" },
        { "500 Java stack", 500, "text/plain", "@error-500-stack.txt", ScalingErrorKind.Unavailable, true, $"{Head} 500 Internal Server Error: org.apache.bookkeeper.mledger.ManagedLedgerException: Not enough non-faulty bookies available" },
        { "503 JSON", 503, "application/json", "{\"reason\":\"Failed to validate global cluster configuration\"}", ScalingErrorKind.Unavailable, true, $"{Head} 503 Service Unavailable: Failed to validate global cluster configuration" },
        { "502 HTML from a proxy", 502, "text/html", "<html><body>Bad Gateway</body></html>", ScalingErrorKind.Unavailable, true, $"{Head} 502 Bad Gateway" },
        { "400", 400, "application/json", "{\"reason\":\"bad\"}", ScalingErrorKind.InvalidArgument, false, $"{Head} 400 Bad Request: bad" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FromResponse_Status_KindAndExactMessage(
        string name, int status, string? mediaType, string body, ScalingErrorKind kind, bool transient, string message)
    {
        var bytes = body.StartsWith('@') ? TestSupport.Payload(body[1..]) : Encoding.UTF8.GetBytes(body);

        var ex = PulsarErrors.FromResponse("prod", Path, (HttpStatusCode)status, mediaType, bytes);

        Assert.True(kind == ex.Kind, $"{name}: {ex.Kind}");
        Assert.Equal(transient, ex.IsTransient);
        Assert.Equal(message, ex.Message);
        Assert.DoesNotContain("Stacktrace", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", ex.Message, StringComparison.Ordinal);
    }
}
