using MeshScaler.Kubernetes;
using MeshScaler.MetricsApi;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>
/// A connection's allowed paths are kept per user: the front proxy's user, read from its headers anew on every request,
/// is found again when its identity is the same, and never when any part of it differs.
/// </summary>
public sealed class ConnectionAuthCacheTests
{
    private const string Path = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/fm/functions.compute.functionmesh.io/f/pulsar_rate_in";

    private static ApiUser Hpa(string? uid = null, string[]? groups = null, Dictionary<string, IReadOnlyList<string>>? extra = null) =>
        new("system:serviceaccount:kube-system:horizontal-pod-autoscaler", uid, groups ?? ["system:serviceaccounts", "system:authenticated"], extra ?? new() { ["pod"] = ["kcm-0"] });

    /// <summary>Named users that differ from <see cref="Hpa"/> in one part.</summary>
    public static TheoryData<string, ApiUser> Others => new()
    {
        { "another name", Hpa() with { Name = "alice" } },
        { "a uid", Hpa(uid: "1") },
        { "one group fewer", Hpa(groups: ["system:serviceaccounts"]) },
        { "groups in another order", Hpa(groups: ["system:authenticated", "system:serviceaccounts"]) },
        { "another extra value", Hpa(extra: new() { ["pod"] = ["kcm-1"] }) },
        { "another extra key", Hpa(extra: new() { ["node"] = ["kcm-0"] }) },
        { "no extras", Hpa(extra: []) },
    };

    [Fact]
    public void Allowed_TheSameIdentityReadAgain_IsFound_UntilItExpires()
    {
        var cache = new ConnectionAuthCache();
        cache.SetAllowed(Hpa(), Path, expires: 100);

        Assert.True(cache.Allowed(Hpa(), Path, now: 99));
        Assert.False(cache.Allowed(Hpa(), Path, now: 100));
        Assert.False(cache.Allowed(Hpa(), Path + "x", now: 99));
    }

    [Theory]
    [MemberData(nameof(Others))]
    public void Allowed_AnotherIdentity_IsNotFound(string name, ApiUser other)
    {
        var cache = new ConnectionAuthCache();
        cache.SetAllowed(Hpa(), Path, expires: 100);

        Assert.False(cache.Allowed(other, Path, now: 1), name);
    }

    [Fact]
    public void Verdict_IsKeptForItsTrust_UntilItsExpiry()
    {
        var cache = new ConnectionAuthCache();
        var trust = AuthenticationTrust.Read(new Dictionary<string, string>());
        var rotated = AuthenticationTrust.Read(new Dictionary<string, string>());
        cache.SetVerdict(trust, "proof", expires: 100);

        Assert.True(cache.TryGetVerdict(trust, now: 99, out var kept));
        Assert.Equal("proof", kept);
        Assert.False(cache.TryGetVerdict(trust, now: 100, out _));
        Assert.False(cache.TryGetVerdict(rotated, now: 1, out _));
    }
}
