using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using k8s.Models;

namespace MeshScaler.Kubernetes;

/// <summary>
/// What kube-apiserver publishes in <c>kube-system/extension-apiserver-authentication</c> for extension API servers:
/// the CA of ordinary client certificates, and the front proxy's CA, allowed names and identity headers.
/// </summary>
/// <param name="ClientCa">Signs ordinary x509 client certificates (<c>client-ca-file</c>); empty when absent.</param>
/// <param name="RequestHeaderCa">Signs the aggregator's front-proxy client certificate (<c>requestheader-client-ca-file</c>); empty when absent.</param>
/// <param name="AllowedNames">Common names the front-proxy certificate may have; empty means any name signed by the CA
/// (kube-apiserver's rule for <c>[]</c> and <c>null</c>). <c>[""]</c> is not empty: it allows only an empty name, which is refused.</param>
/// <param name="Problems">Keys that could not be read, each named with why: those paths of authentication are off until
/// it is fixed (an unreadable <c>requestheader-*</c> list turns the front proxy off, never to a default).</param>
public sealed record AuthenticationTrust(
    X509Certificate2Collection ClientCa,
    X509Certificate2Collection RequestHeaderCa,
    IReadOnlyList<string> AllowedNames,
    IReadOnlyList<string> UsernameHeaders,
    IReadOnlyList<string> GroupHeaders,
    IReadOnlyList<string> ExtraHeaderPrefixes,
    IReadOnlyList<string> UidHeaders,
    IReadOnlyList<string> Problems)
{
    public const string Namespace = "kube-system";
    public const string Name = "extension-apiserver-authentication";

    /// <summary>Reads the ConfigMap's data; a bad key is a problem named in <see cref="Problems"/>, never an exception.</summary>
    public static AuthenticationTrust Read(IDictionary<string, string>? data)
    {
        var problems = new List<string>();
        string? Value(string key) => data is not null && data.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

        X509Certificate2Collection Bundle(string key)
        {
            var bundle = new X509Certificate2Collection();
            if (Value(key) is not { } pem)
            {
                return bundle;
            }

            try
            {
                bundle.ImportFromPem(pem);
            }
            catch (CryptographicException ex)
            {
                problems.Add($"{Namespace}/{Name} key {key} is not a PEM certificate bundle: {ex.Message}");
                return [];
            }

            if (bundle.Count == 0)
            {
                problems.Add($"{Namespace}/{Name} key {key} holds no certificate");
            }

            return bundle;
        }

        // List values are JSON arrays of strings, decoded as kube-apiserver's own reader does (json.Unmarshal): "null"
        // and "[]" are empty lists, a null element an empty string. A key that cannot be decoded is a problem, never
        // its default.
        IReadOnlyList<string>? List(string key)
        {
            if (Value(key) is not { } json)
            {
                return [];
            }

            try
            {
                return [.. (JsonSerializer.Deserialize<string?[]>(json) ?? []).Select(v => v ?? string.Empty)];
            }
            catch (JsonException ex)
            {
                problems.Add($"{Namespace}/{Name} key {key} is not a JSON array of strings: {ex.Message}");
                return null;
            }
        }

        // Header names: kube-apiserver's defaults when the key is absent, exactly the list when it is there (an empty
        // list names no header, so the front proxy vouches for nobody). An empty name names no header (and an empty
        // prefix would make every header an identity header).
        IReadOnlyList<string>? Headers(string key, params string[] absent) =>
            Value(key) is null ? absent : List(key) is { } names ? [.. names.Where(n => n.Length > 0)] : null;

        var requestHeaderCa = Bundle("requestheader-client-ca-file");
        var allowedNames = List("requestheader-allowed-names");
        var usernameHeaders = Headers("requestheader-username-headers", "X-Remote-User");
        var groupHeaders = Headers("requestheader-group-headers", "X-Remote-Group");
        var extraPrefixes = Headers("requestheader-extra-headers-prefix", "X-Remote-Extra-");
        var uidHeaders = Headers("requestheader-uid-headers");
        if (allowedNames is null || usernameHeaders is null || groupHeaders is null || extraPrefixes is null || uidHeaders is null)
        {
            // Fail closed: an unreadable allowed-names list is not "any name", and unreadable header names are not
            // the defaults. The front proxy is not believed until the ConfigMap is fixed; the other paths still work.
            if (requestHeaderCa.Count > 0)
            {
                problems.Add("the front proxy (requestheader-client-ca-file) is not trusted until these keys are fixed");
            }

            requestHeaderCa = [];
        }

        return new AuthenticationTrust(
            Bundle("client-ca-file"),
            requestHeaderCa,
            allowedNames ?? [],
            usernameHeaders ?? [],
            groupHeaders ?? [],
            extraPrefixes ?? [],
            uidHeaders ?? [],
            problems);
    }

    /// <remarks>
    /// Never throws: a version that cannot be read at all (a bug here, or input no case foresaw) trusts nothing and
    /// says why, rather than leaving the last version, perhaps a rotated-out CA, in force.
    /// </remarks>
    internal static AuthenticationTrust? Read(V1ConfigMap map)
    {
        if (map.Metadata?.Name != Name)
        {
            return null;
        }

        try
        {
            return Read(map.Data);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new AuthenticationTrust([], [], [], [], [], [], [], [$"{Namespace}/{Name} could not be read, so no certificate is trusted until it changes: {ex.Message}"]);
        }
    }
}
