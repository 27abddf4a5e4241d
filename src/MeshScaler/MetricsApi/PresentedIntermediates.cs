using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace MeshScaler.MetricsApi;

/// <summary>
/// The certificates a client sent after its own in the TLS handshake, kept with its connection so
/// <see cref="ApiAuthenticator"/> can build the chain through them, as kube-apiserver's x509 authenticator uses
/// <c>PeerCertificates[1:]</c> as intermediates: a client certificate signed by an intermediate of the cluster's CA is
/// accepted. Nothing is trusted here; the handshake accepts every certificate and the authenticator decides.
/// </summary>
internal static class PresentedIntermediates
{
    /// <summary>More is no real chain: the rest are ignored.</summary>
    private const int Max = 8;

    private static readonly ConditionalWeakTable<object, X509Certificate2[]> Presented = [];

    /// <summary>The listener's certificate callback: records what was presented and accepts (checked per request).</summary>
    public static bool Remember(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not null && chain is { ChainPolicy.ExtraStore.Count: > 0 })
        {
            // Copies: the handshake disposes its chain and what it holds once this callback returns.
            var leaf = certificate.GetRawCertData();
            Presented.AddOrUpdate(sender, [.. chain.ChainPolicy.ExtraStore
                .Where(c => !c.RawDataMemory.Span.SequenceEqual(leaf))
                .Take(Max)
                .Select(c => X509CertificateLoader.LoadCertificate(c.RawDataMemory.Span))]);
        }

        return true;
    }

    /// <summary>The intermediates the request's connection presented; none when it presented only its own.</summary>
    public static IReadOnlyList<X509Certificate2> Of(HttpContext context) =>
        context.Features.Get<ISslStreamFeature>()?.SslStream is { } stream && Presented.TryGetValue(stream, out var presented) ? presented : [];
}
