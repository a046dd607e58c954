using System.Security.Cryptography;

namespace RetinaSharp.Checkpoints;

/// <summary>
/// torch hub's check on downloaded weights: a file named <c>name-&lt;hex&gt;.ext</c> must have a
/// SHA-256 that starts with that hex (eight digits in torchvision's files).
/// </summary>
public static class WeightsHash
{
    /// <summary>The lowercase hex between the file name's last '-' and the '.' after it; null when there is none.</summary>
    public static string? PrefixOf(string fileName)
    {
        var name = Path.GetFileName(fileName);
        int dash = name.LastIndexOf('-');
        if (dash < 0) return null;
        int dot = name.IndexOf('.', dash + 1);
        if (dot < 0) return null;
        var hex = name[(dash + 1)..dot];
        return hex.Length > 0 && hex.All(char.IsAsciiHexDigitLower) ? hex : null;
    }

    /// <summary>True when the lowercase hex digest starts with the prefix (always when there is no prefix).</summary>
    public static bool Matches(string digest, string? prefix) => prefix is null || digest.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>A file's SHA-256 as lowercase hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
