using System.Globalization;
using System.Text;

namespace MeshScaler.Core;

/// <summary>
/// Pulsar names as Kubernetes label values, and back, injectively: an external metric is selected by labels, and a label
/// value allows only letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, at most 63 of them, beginning and ending with a
/// letter or digit, while Pulsar names may hold <c>/</c> (a Function's subscription <c>tenant/ns/name</c>), <c>:</c>
/// and <c>=</c>. A name that begins with anything but a letter or digit has no label value.
/// </summary>
/// <remarks>
/// The rule: letters, digits, and <c>-</c> and <c>.</c> after the first character and before the last stay as they are; every other byte of the name's
/// UTF-8, <c>_</c> included, is written <c>_xx</c> (two lowercase hex digits). <c>_</c> only ever starts an escape, so
/// two names never share a value: <c>public/default/fn</c> is <c>public_2fdefault_2ffn</c>, and a name that is a
/// valid label value without <c>_</c> (most topic names) is written unchanged.
/// </remarks>
public static class LabelValues
{
    public const int MaxLength = 63;

    /// <summary>
    /// The label value of <paramref name="name"/>; null when it has none: longer than 63 characters written, empty, or
    /// beginning with a character that must be escaped (a label value must begin with a letter or digit).
    /// </summary>
    public static string? Escape(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length == 0 || bytes[0] >= 0x80 || !char.IsAsciiLetterOrDigit((char)bytes[0]))
        {
            return null;
        }

        var text = new StringBuilder(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            var c = (char)bytes[i];
            var edge = i == 0 || i == bytes.Length - 1;
            if (bytes[i] < 0x80 && (char.IsAsciiLetterOrDigit(c) || (!edge && c is '-' or '.')))
            {
                text.Append(c);
            }
            else
            {
                text.Append('_').Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        return text.Length <= MaxLength ? text.ToString() : null;
    }

    /// <summary>The name <paramref name="value"/> stands for; false when it is not a value <see cref="Escape"/> writes.</summary>
    public static bool TryUnescape(string value, out string name)
    {
        ArgumentNullException.ThrowIfNull(value);
        name = string.Empty;
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '_')
            {
                if (value[i] >= 0x80)
                {
                    return false;
                }

                bytes.Add((byte)value[i]);
                continue;
            }

            // '_' must be followed by two hex digits.
            if (i + 2 >= value.Length || !byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                return false;
            }

            bytes.Add(b);
            i += 2;
        }

        // Invalid UTF-8 decodes to replacement characters, which do not escape back to the same value: refused below.
        name = Encoding.UTF8.GetString([.. bytes]);

        // Only the canonical form: another spelling of the same name (say, an escaped letter) would be a second value.
        return Escape(name) == value;
    }
}
