using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using MeshScaler.MetricsApi;

namespace MeshScaler.FunctionalTests.MetricsApi;

/// <summary>
/// A client certificate's user and groups, read from its subject as Go's crypto/x509 reads it (what kube-apiserver
/// authenticates with): named cases of the string types, multi-valued RDNs, and what refuses the certificate.
/// </summary>
public sealed class CertificateSubjectTests
{
    private const string Cn = "2.5.4.3";
    private const string O = "2.5.4.10";
    private const string Ou = "2.5.4.11";

    /// <summary>Named subjects (RDNs in encoded order, each a list of (type, tag, bytes)), and the CN and O read.</summary>
    public static TheoryData<string, byte[], string, string[]> Read => new()
    {
        { "one CN and two Os, in encoded order", Name([(Cn, 12, "alice"u8.ToArray())], [(O, 12, "b"u8.ToArray())], [(O, 19, "a"u8.ToArray())]), "alice", ["b", "a"] },
        { "a multi-valued RDN, its members not in DER order", Name([(O, 12, "team"u8.ToArray()), (Cn, 12, "bob"u8.ToArray())]), "bob", ["team"] },
        { "the last CN wins", Name([(Cn, 12, "first"u8.ToArray())], [(Cn, 12, "last"u8.ToArray())]), "last", [] },
        { "no CN: an empty one, nothing stands in", Name([(O, 12, "ops"u8.ToArray())], [(Ou, 12, "x"u8.ToArray())]), "", ["ops"] },
        { "a T61String, read as Latin-1", Name([(Cn, 20, [0x6A, 0xF6, 0x72, 0x67])]), "jörg", [] },
        { "a PrintableString with * and &, which Go allows", Name([(Cn, 19, "a*b&c"u8.ToArray())]), "a*b&c", [] },
        { "a BMPString", Name([(Cn, 30, [0x00, 0x7A, 0x00, 0xE9])]), "zé", [] },
        { "a BMPString's trailing NUL pair, dropped as Go drops it", Name([(Cn, 30, [0x00, 0x7A, 0x00, 0x00])]), "z", [] },
        { "an IA5String", Name([(Cn, 22, "carol@example"u8.ToArray())]), "carol@example", [] },
        { "a NumericString", Name([(O, 18, "42 7"u8.ToArray())], [(Cn, 12, "dave"u8.ToArray())]), "dave", ["42 7"] },
    };

    /// <summary>Named subjects Go's parser refuses, so the certificate is no user here either.</summary>
    public static TheoryData<string, byte[]> Refused => new()
    {
        { "a VisibleString, which Go does not read", Name([(Cn, 12, "admin"u8.ToArray())], [(Cn, 26, "other"u8.ToArray())]) },
        { "an OCTET STRING value", Name([(O, 4, "x"u8.ToArray())], [(Cn, 12, "eve"u8.ToArray())]) },
        { "a PrintableString with @", Name([(Cn, 19, "a@b"u8.ToArray())]) },
        { "an IA5String beyond ASCII", Name([(Cn, 22, [0x61, 0xE9])]) },
        { "a NumericString with a letter", Name([(Cn, 18, "4a"u8.ToArray())]) },
        { "invalid UTF-8", Name([(Cn, 12, [0xC3, 0x28])]) },
        { "a BMPString of odd length", Name([(Cn, 30, [0x00, 0x7A, 0x00])]) },
        { "a BMPString with a surrogate pair (UCS-2 has none)", Name([(Cn, 30, [0xD8, 0x3D, 0xDE, 0x00])]) },
        { "a BMPString with a noncharacter", Name([(Cn, 30, [0x00, 0x61, 0xFD, 0xD0])]) },
    };

    [Theory]
    [MemberData(nameof(Read))]
    public void Read_AsGoReadsIt(string name, byte[] subject, string commonName, string[] organizations)
    {
        var read = CertificateSubject.Read(new X500DistinguishedName(subject), out var error);

        Assert.True(read is not null, $"{name}: {error}");
        Assert.True(commonName == read.CommonName, $"{name}: CN {read.CommonName}");
        Assert.True(organizations.SequenceEqual(read.Organizations), $"{name}: O {string.Join(", ", read.Organizations)}");
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Read_RefusesWhatGoRefuses_NamingTheAttribute(string name, byte[] subject)
    {
        var read = CertificateSubject.Read(new X500DistinguishedName(subject), out var error);

        Assert.True(read is null, name);
        Assert.Contains("a value of a type kube-apiserver does not read", error);
    }

    [Fact]
    public void Read_NotAName_IsRefusedSayingSo()
    {
        var read = CertificateSubject.Read(new X500DistinguishedName([0x30, 0x03, 0x31, 0x01, 0x30]), out var error);

        Assert.Null(read);
        Assert.StartsWith("its subject cannot be decoded", error);
    }

    /// <summary>A Name, written as given (BER: a SET's members stay in the order given), each value with its own tag.</summary>
    private static byte[] Name(params (string Type, int Tag, byte[] Value)[][] relatives)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            foreach (var relative in relatives)
            {
                using (writer.PushSetOf())
                {
                    foreach (var (type, tag, value) in relative)
                    {
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(type);
                            writer.WriteEncodedValue([(byte)tag, (byte)value.Length, .. value]);
                        }
                    }
                }
            }
        }

        return writer.Encode();
    }
}
