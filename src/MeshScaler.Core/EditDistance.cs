namespace MeshScaler.Core;

/// <summary>How far apart two short strings are, for "did you mean" suggestions.</summary>
public static class EditDistance
{
    /// <summary>
    /// The optimal-string-alignment distance (insertions, deletions, substitutions and swaps of neighbours, each 1),
    /// ordinal and case-sensitive. A case slip costs 1 like any other: <c>msgbacklogThreshold</c> is 1 away.
    /// </summary>
    /// <remarks>Quadratic in the lengths; meant for metadata keys of a few dozen characters.</remarks>
    public static int Between(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
