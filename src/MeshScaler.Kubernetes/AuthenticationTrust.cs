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
/// <param name="AllowedNames">Common names the front-proxy certificate may have; empty means any name signed by the CA.</param>
/// <param name="Problems">Keys that could not be read, each named with why: those paths of authentication are off until it is fixed.</param>
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

        // List values are JSON arrays of strings, decoded as kube-apiserver's own reader does (json.Unmarshal).
        IReadOnlyList<string> List(string key, params string[] absent)
        {
            if (Value(key) is not { } json)
            {
                return absent;
            }

            try
            {
                var values = JsonSerializer.Deserialize<string[]>(json);
                return values is null ? absent : [.. values.Where(v => !string.IsNullOrEmpty(v))];
            }
            catch (JsonException ex)
            {
                problems.Add($"{Namespace}/{Name} key {key} is not a JSON array of strings: {ex.Message}");
                return absent;
            }
        }

        var requestHeaderCa = Bundle("requestheader-client-ca-file");
        return new AuthenticationTrust(
            Bundle("client-ca-file"),
            requestHeaderCa,
            List("requestheader-allowed-names"),
            List("requestheader-username-headers", "X-Remote-User"),
            List("requestheader-group-headers", "X-Remote-Group"),
            List("requestheader-extra-headers-prefix", "X-Remote-Extra-"),
            List("requestheader-uid-headers"),
            problems);
    }

    internal static AuthenticationTrust? Read(V1ConfigMap map) => map.Metadata?.Name == Name ? Read(map.Data) : null;
}
