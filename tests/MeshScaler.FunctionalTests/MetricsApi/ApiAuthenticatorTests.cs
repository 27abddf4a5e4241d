using System.Security.Cryptography.X509Certificates;
using MeshScaler.Kubernetes;
using MeshScaler.MetricsApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>
/// Identity headers are gone after authentication, whoever sent them: kube-apiserver's <c>X-Remote-</c> defaults always,
/// and the names the cluster's trust configures, renamed ones included, however the trust changes.
/// </summary>
public sealed class ApiAuthenticatorTests
{
    private static readonly string[] Sent =
        ["X-Remote-User", "x-remote-group", "X-Remote-Extra-Scopes", "X-Proxy-User", "X-Proxy-Group", "X-Proxy-Uid", "X-Proxy-Extra-Scopes", "X-RemoteHost", "Accept"];

    private static AuthenticationTrust Trust(string user, string group, string uid, string extraPrefix) =>
        new([], [], [], [user], [group], [extraPrefix], [uid], []);

    /// <summary>Name, the trust (null: not read), and the headers left of <see cref="Sent"/>.</summary>
    public static TheoryData<string, AuthenticationTrust?, string[]> Cases => new()
    {
        { "no trust read yet: the defaults", null, ["X-Proxy-User", "X-Proxy-Group", "X-Proxy-Uid", "X-Proxy-Extra-Scopes", "X-RemoteHost", "Accept"] },
        { "kubeadm's names", Trust("X-Remote-User", "X-Remote-Group", "X-Remote-Uid", "X-Remote-Extra-"), ["X-Proxy-User", "X-Proxy-Group", "X-Proxy-Uid", "X-Proxy-Extra-Scopes", "X-RemoteHost", "Accept"] },
        { "renamed: those and the defaults", Trust("X-Proxy-User", "X-Proxy-Group", "X-Proxy-Uid", "X-Proxy-Extra-"), ["X-RemoteHost", "Accept"] },
        { "one renamed name is enough", Trust("X-Remote-User", "X-Proxy-Group", "X-Remote-Uid", "X-Remote-Extra-"), ["X-Proxy-User", "X-Proxy-Uid", "X-Proxy-Extra-Scopes", "X-RemoteHost", "Accept"] },
        { "a prefix without the dash", Trust("X-Remote-User", "X-Remote-Group", "X-Remote-Uid", "X-Remote"), ["X-Proxy-User", "X-Proxy-Group", "X-Proxy-Uid", "X-Proxy-Extra-Scopes", "Accept"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task IdentityHeaders_AreRemoved_TheConfiguredOnesAndTheDefaults(string name, AuthenticationTrust? trust, string[] left)
    {
        var authenticator = new ApiAuthenticator(new FixedTrust { Trust = trust }, NullLogger<ApiAuthenticator>.Instance);

        var headers = await AuthenticateAsync(authenticator);

        Assert.True(left.SequenceEqual(headers), $"{name}: {string.Join(", ", headers)}");
    }

    [Fact]
    public async Task ANewTrust_CountsFromTheNextRequest_EitherWay()
    {
        var cluster = new FixedTrust { Trust = Trust("X-Proxy-User", "X-Proxy-Group", "X-Proxy-Uid", "X-Proxy-Extra-") };
        var authenticator = new ApiAuthenticator(cluster, NullLogger<ApiAuthenticator>.Instance);

        var renamed = await AuthenticateAsync(authenticator);
        cluster.Trust = Trust("X-Remote-User", "X-Remote-Group", "X-Remote-Uid", "X-Remote-Extra-");
        var defaults = await AuthenticateAsync(authenticator);
        cluster.Trust = Trust("X-Proxy-User", "X-Proxy-Group", "X-Proxy-Uid", "X-Proxy-Extra-");
        var renamedAgain = await AuthenticateAsync(authenticator);

        Assert.Equal(["X-RemoteHost", "Accept"], renamed);
        Assert.Equal(["X-Proxy-User", "X-Proxy-Group", "X-Proxy-Uid", "X-Proxy-Extra-Scopes", "X-RemoteHost", "Accept"], defaults);
        Assert.Equal(renamed, renamedAgain);
    }

    /// <summary>An anonymous request carrying every header of <see cref="Sent"/>: refused, and the headers it has left.</summary>
    private static async Task<List<string>> AuthenticateAsync(ApiAuthenticator authenticator)
    {
        var context = new DefaultHttpContext();
        foreach (var header in Sent)
        {
            context.Request.Headers[header] = "system:masters";
        }

        var (user, failure) = await authenticator.AuthenticateAsync(context, null, DateTimeOffset.UtcNow.UtcTicks);

        Assert.Null(user);
        Assert.Equal(StatusCodes.Status401Unauthorized, failure!.Code);
        return [.. context.Request.Headers.Keys];
    }

    /// <summary>A cluster whose trust the test sets; no review is ever asked for (the requests carry no token).</summary>
    private sealed class FixedTrust : IClusterReviews
    {
        public AuthenticationTrust? Trust { get; set; }

        public string? TrustError => Trust is null ? "not read yet" : null;

        public Task<Reviewed<ApiUser?>> ReviewTokenAsync(string token, CancellationToken cancellationToken) => throw new InvalidOperationException("no token was sent");

        public Task<Reviewed<AccessAnswer>> ReviewAccessAsync(AccessRequest request, CancellationToken cancellationToken) => throw new InvalidOperationException("no review is due");

        public Task RunAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
