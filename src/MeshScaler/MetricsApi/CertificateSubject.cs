using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace MeshScaler.MetricsApi;

/// <summary>
/// A client certificate's common name and organizations as Go's <c>crypto/x509</c> reads them and kube-apiserver uses
/// them: every attribute of every RDN, multi-valued ones included; the last CN wins, every O is a group; a value of a
/// string type Go does not read refuses the certificate. Nothing else stands in for a missing CN (.NET's
/// <c>SimpleName</c> would fall back to the OU, O or e-mail address).
/// </summary>
internal sealed record CertificateSubject(string CommonName, IReadOnlyList<string> Organizations)
{
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";

    /// <summary>The subject's names, or null with <paramref name="error"/> when its encoding cannot be read.</summary>
    public static CertificateSubject? Read(X500DistinguishedName subject, out string error)
    {
        error = string.Empty;
        var commonName = string.Empty;
        var organizations = new List<string>();
        try
        {
            var name = new AsnReader(subject.RawData, AsnEncodingRules.DER).ReadSequence();
            while (name.HasData)
            {
                // Go does not check the DER order of a multi-valued RDN's members: neither does this.
                var relative = name.ReadSetOf(skipSortOrderValidation: true);
                while (relative.HasData)
                {
                    var attribute = relative.ReadSequence();
                    var type = attribute.ReadObjectIdentifier();
                    if (ReadString(attribute.ReadEncodedValue().Span) is not { } value)
                    {
                        // Go refuses the whole certificate for such a value: so does this, rather than pick another CN.
                        error = $"its subject has a value of a type kube-apiserver does not read (attribute {type})";
                        return null;
                    }

                    if (type == CommonNameOid)
                    {
                        commonName = value;
                    }
                    else if (type == OrganizationOid)
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
    /// UCS-2 as Go reads it: an even length, a trailing NUL pair dropped, and no surrogate or permanent noncharacter
    /// (U+FFFE, U+FFFF, U+FDD0 to U+FDEF); null otherwise.
    /// </summary>
    private static string? Bmp(ReadOnlySpan<byte> content)
    {
        if (content.Length % 2 != 0)
        {
            return null;
        }

        if (content.Length >= 2 && content[^1] == 0 && content[^2] == 0)
        {
            content = content[..^2];
        }

        var text = new char[content.Length / 2];
        for (var i = 0; i < text.Length; i++)
        {
            var point = (char)((content[2 * i] << 8) | content[(2 * i) + 1]);
            if (point is '\uFFFE' or '\uFFFF' or (>= '\uFDD0' and <= '\uFDEF') || char.IsSurrogate(point))
            {
                return null;
            }

            text[i] = point;
        }

        return new string(text);
    }

    /// <summary>
    /// A value as Go's <c>parseASN1String</c> reads it: T61 (as Latin-1), Printable (with <c>*</c> and <c>&amp;</c>),
    /// UTF-8, BMP, IA5 and Numeric strings; null for any other type or a value its type does not allow.
    /// </summary>
    private static string? ReadString(ReadOnlySpan<byte> encoded)
    {
        var tag = AsnDecoder.ReadEncodedValue(encoded, AsnEncodingRules.BER, out var offset, out var length, out _);
        if (tag.TagClass != TagClass.Universal || tag.IsConstructed)
        {
            return null;
        }

        var content = encoded.Slice(offset, length);
        switch ((UniversalTagNumber)tag.TagValue)
        {
            case UniversalTagNumber.T61String:
                return System.Text.Encoding.Latin1.GetString(content);
            case UniversalTagNumber.PrintableString:
                foreach (var b in content)
                {
                    if (!(char.IsAsciiLetterOrDigit((char)b) || " '()+,-./:=?*&".Contains((char)b)))
                    {
                        return null;
                    }
                }

                return System.Text.Encoding.ASCII.GetString(content);
            case UniversalTagNumber.UTF8String:
                return System.Text.Unicode.Utf8.IsValid(content) ? System.Text.Encoding.UTF8.GetString(content) : null;
            case UniversalTagNumber.BMPString:
                return Bmp(content);
            case UniversalTagNumber.IA5String:
                foreach (var b in content)
                {
                    if (b > 0x7F)
                    {
                        return null;
                    }
                }

                return System.Text.Encoding.ASCII.GetString(content);
            case UniversalTagNumber.NumericString:
                foreach (var b in content)
                {
                    if (!(char.IsAsciiDigit((char)b) || b == ' '))
                    {
                        return null;
                    }
                }

                return System.Text.Encoding.ASCII.GetString(content);
            default:
                return null;
        }
    }
}
