using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshScaler.Kubernetes.Tests;

/// <summary>
/// <c>kube-system/extension-apiserver-authentication</c> as read: list keys decoded as kube-apiserver's json.Unmarshal
/// does, and any unreadable <c>requestheader-*</c> key turning the front proxy off (never "any name" or a default).
/// </summary>
public sealed class AuthenticationTrustTests
{
    private static readonly string FrontProxyCa = CreateCaPem();

    /// <summary>Named cases: the allowed-names value, the names read, and whether the front proxy stays trusted.</summary>
    public static TheoryData<string, string?, string[], bool> AllowedNames => new()
    {
        { "kubeadm's list", "[\"front-proxy-client\"]", ["front-proxy-client"], true },
        { "an empty list: any name the CA signed", "[]", [], true },
        { "JSON null: any name, as json.Unmarshal leaves a nil slice", "null", [], true },
        { "an absent key: any name", null, [], true },
        { "an empty name is kept (it allows only an empty CN, which is refused), never dropped into 'any name'", "[\"\"]", [""], true },
        { "a null element is an empty name, as json.Unmarshal reads it", "[\"front-proxy-client\", null]", ["front-proxy-client", ""], true },
        { "not JSON: the front proxy is off", "front-proxy-client", [], false },
        { "not an array of strings: off", "[1]", [], false },
        { "an object: off", "{\"name\":\"front-proxy-client\"}", [], false },
    };

    [Theory]
    [MemberData(nameof(AllowedNames))]
    public void AllowedNames_AreReadFailingClosed(string name, string? value, string[] names, bool frontProxyTrusted)
    {
        var data = Data();
        if (value is null)
        {
            data.Remove("requestheader-allowed-names");
        }
        else
        {
            data["requestheader-allowed-names"] = value;
        }

        var trust = AuthenticationTrust.Read(data);

        Assert.True(names.SequenceEqual(trust.AllowedNames), $"{name}: [{string.Join(", ", trust.AllowedNames)}]");
        Assert.True(frontProxyTrusted == (trust.RequestHeaderCa.Count > 0), name);
        Assert.True(frontProxyTrusted == (trust.Problems.Count == 0), $"{name}: {string.Join(" | ", trust.Problems)}");
    }

    [Theory]
    [InlineData("requestheader-username-headers")]
    [InlineData("requestheader-group-headers")]
    [InlineData("requestheader-extra-headers-prefix")]
    [InlineData("requestheader-uid-headers")]
    public void UnreadableHeaderNames_TurnTheFrontProxyOff_NamingTheKey(string key)
    {
        var data = Data();
        data[key] = "X-Remote-User";

        var trust = AuthenticationTrust.Read(data);

        Assert.Empty(trust.RequestHeaderCa);
        Assert.Contains(trust.Problems, p => p.Contains($"key {key} is not a JSON array of strings", StringComparison.Ordinal));
        Assert.Contains(trust.Problems, p => p.Contains("the front proxy (requestheader-client-ca-file) is not trusted until these keys are fixed", StringComparison.Ordinal));
    }

    [Fact]
    public void HeaderNames_AbsentOnesDefault_PresentOnesAreExactlyWhatTheySay()
    {
        var data = Data();
        data["requestheader-extra-headers-prefix"] = "[\"\"]";
        data["requestheader-username-headers"] = "[]";
        data["requestheader-uid-headers"] = "[\"X-Remote-Uid\", null]";
        data.Remove("requestheader-group-headers");

        var trust = AuthenticationTrust.Read(data);

        // An empty prefix would make every header an identity header (and strip them all): it names none.
        Assert.Empty(trust.ExtraHeaderPrefixes);
        Assert.Equal(["X-Remote-Group"], trust.GroupHeaders);

        // As kube-apiserver's reader: no username header named, so the front proxy vouches for nobody.
        Assert.Empty(trust.UsernameHeaders);
        Assert.Equal(["X-Remote-Uid"], trust.UidHeaders);
        Assert.Single(trust.RequestHeaderCa);
        Assert.Empty(trust.Problems);
    }

    [Fact]
    public void HeaderNames_AllAbsent_AreKubeApiserversDefaults()
    {
        var trust = AuthenticationTrust.Read(new Dictionary<string, string> { ["requestheader-client-ca-file"] = FrontProxyCa });

        Assert.Equal(["X-Remote-User"], trust.UsernameHeaders);
        Assert.Equal(["X-Remote-Group"], trust.GroupHeaders);
        Assert.Equal(["X-Remote-Extra-"], trust.ExtraHeaderPrefixes);
        Assert.Empty(trust.UidHeaders);
        Assert.Empty(trust.AllowedNames);
    }

    private static Dictionary<string, string> Data() => new()
    {
        ["requestheader-client-ca-file"] = FrontProxyCa,
        ["requestheader-allowed-names"] = "[\"front-proxy-client\"]",
        ["requestheader-username-headers"] = "[\"X-Remote-User\"]",
        ["requestheader-group-headers"] = "[\"X-Remote-Group\"]",
        ["requestheader-extra-headers-prefix"] = "[\"X-Remote-Extra-\"]",
    };

    private static string CreateCaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=front-proxy-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return ca.ExportCertificatePem();
    }
}
