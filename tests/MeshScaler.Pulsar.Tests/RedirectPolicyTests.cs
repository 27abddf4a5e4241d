using MeshScaler.Core;

namespace MeshScaler.Pulsar.Tests;

public sealed class RedirectPolicyTests
{
    [Fact]
    public void Next_HttpsToHttp_RefusedAsDowngrade()
    {
        var ex = Assert.Throws<ScalingException>(() => RedirectPolicy.Next(
            "prod",
            new Uri("https://broker-0:8443/admin/v2/persistent/t/ns/x/stats"),
            new Uri("http://broker-1:8080/admin/v2/persistent/t/ns/x/stats?authoritative=false")));

        Assert.Equal(ScalingErrorKind.Unavailable, ex.Kind);
        Assert.Equal(
            "cluster 'prod': GET /admin/v2/persistent/t/ns/x/stats redirected from https to http (http://broker-1:8080/admin/v2/persistent/t/ns/x/stats); " +
            "refusing the downgrade, which would send credentials in clear text",
            ex.Message);
    }

    [Fact]
    public void Next_RelativeLocation_ResolvedWithQueryKept()
    {
        var next = RedirectPolicy.Next("prod", new Uri("http://broker-0:8080/admin/v2/persistent/t/ns/x/stats"), new Uri("/admin/v2/persistent/t/ns/x/stats?authoritative=true", UriKind.Relative));

        Assert.Equal("http://broker-0:8080/admin/v2/persistent/t/ns/x/stats?authoritative=true", next.AbsoluteUri);
    }

    [Fact]
    public void Next_HttpToHttps_Allowed()
    {
        var next = RedirectPolicy.Next("prod", new Uri("http://a/x"), new Uri("https://user:pw@b:8443/x?authoritative=false"));

        Assert.Equal("https://b:8443/x?authoritative=false", next.AbsoluteUri);
    }

    [Fact]
    public void Next_NoLocation_Unavailable()
    {
        var ex = Assert.Throws<ScalingException>(() => RedirectPolicy.Next("prod", new Uri("http://a/x"), null));

        Assert.Equal("cluster 'prod': GET /x answered a redirect without a Location header", ex.Message);
    }

    [Theory]
    [InlineData(301, true)]
    [InlineData(302, true)]
    [InlineData(307, true)]
    [InlineData(308, true)]
    [InlineData(303, false)]
    [InlineData(304, false)]
    public void IsRedirect_Status_Expected(int status, bool expected) => Assert.Equal(expected, RedirectPolicy.IsRedirect(status));
}
