using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace MeshScaler.MetricsApi;

/// <summary>
/// A client certificate's common name and organizations as Go's <c>pkix.Name</c> reads them and kube-apiserver uses
/// them: every attribute of every RDN, multi-valued ones included; the last CN wins, every O is a group. Nothing else
/// stands in for a missing CN (.NET's <c>SimpleName</c> would fall back to the OU, O or e-mail address).
/// </summary>
internal sealed record CertificateSubject(string CommonName, IReadOnlyList<string> Organizations)
{
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";

    /// <summary>The subject's names, or null with <paramref name="error"/> when its encoding cannot be read.</summary>
    public static CertificateSubject? Read(X509Certificate2 certificate, out string error)
    {
        error = string.Empty;
        var commonName = string.Empty;
        var organizations = new List<string>();
        try
        {
            var name = new AsnReader(certificate.SubjectName.RawData, AsnEncodingRules.DER).ReadSequence();
            while (name.HasData)
            {
                var relative = name.ReadSetOf();
                while (relative.HasData)
                {
                    var attribute = relative.ReadSequence();
                    var type = attribute.ReadObjectIdentifier();
                    var value = ReadString(attribute);
                    if (type == CommonNameOid && value is not null)
                    {
                        commonName = value;
                    }
                    else if (type == OrganizationOid && value is not null)
                    {
                        organizations.Add(value);
                    }
                }
            }
        }
        catch (AsnContentException ex)
        {
            error = $"its subject cannot be decoded: {ex.Message}";
            return null;
        }

        return new CertificateSubject(commonName, organizations);
    }

    /// <summary>
    /// A DirectoryString's text; null for a value of another type (Go leaves those out of CN and O too), and for the
    /// T61 and Universal forms no certificate tool writes today: a name is then missing, so refused, never guessed.
    /// </summary>
    private static string? ReadString(AsnReader attribute)
    {
        var tag = attribute.PeekTag();
        if (tag.TagClass == TagClass.Universal && (UniversalTagNumber)tag.TagValue is UniversalTagNumber.UTF8String
            or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String or UniversalTagNumber.BMPString)
        {
            return attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue);
        }

        attribute.ReadEncodedValue();
        return null;
    }
}
