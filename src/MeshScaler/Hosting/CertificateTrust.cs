using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshScaler.Hosting;

/// <summary>
/// "Signed by one of these CAs" for a private PKI: the chain must build to <c>roots</c> alone (the system store is
/// ignored), without revocation checks (a private CA publishes no lists), and for the given use when one is named.
/// </summary>
internal static class CertificateTrust
{
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>True when the chain builds; otherwise <paramref name="reasons"/> says why.</summary>
    /// <param name="intermediates">Certificates the peer presented besides its own, to build through.</param>
    public static bool Chains(
        X509Certificate2 certificate, X509Certificate2Collection roots, Oid? usage, IEnumerable<X509Certificate2>? intermediates, out string reasons) =>
        Chains(certificate, roots, usage, intermediates, out reasons, out _);

    /// <summary>As the other overload, and until when the chain that was built stays valid (its earliest NotAfter, UTC).</summary>
    public static bool Chains(
        X509Certificate2 certificate, X509Certificate2Collection roots, Oid? usage, IEnumerable<X509Certificate2>? intermediates, out string reasons, out DateTime validUntil)
    {
        reasons = string.Empty;
        validUntil = DateTime.MinValue;
        if (roots.Count == 0)
        {
            reasons = "no CA is configured";
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        // Never fetch a missing intermediate from the network (AIA): a request must not wait on someone else's server.
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (usage is not null)
        {
            // A certificate without an EKU extension is valid for any use.
            chain.ChainPolicy.ApplicationPolicy.Add(usage);
        }

        foreach (var intermediate in intermediates ?? [])
        {
            chain.ChainPolicy.ExtraStore.Add(intermediate);
        }

        try
        {
            if (chain.Build(certificate))
            {
                validUntil = chain.ChainElements.Min(e => e.Certificate.NotAfter.ToUniversalTime());
                return true;
            }
        }
        catch (CryptographicException ex)
        {
            reasons = ex.Message;
            return false;
        }

        reasons = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0));
        return false;
    }
}
