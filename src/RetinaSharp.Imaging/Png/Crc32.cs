using System.Buffers.Binary;

namespace RetinaSharp.Imaging.Png;

/// <summary>The CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) that guards every PNG chunk.</summary>
internal static class Crc32
{
    // Eight 256-entry tables, so that eight input bytes are folded in per step ("slicing by 8"): table k gives
    // the effect of a byte followed by k zero bytes. Large IDAT payloads make the plain byte loop noticeable.
    private static readonly uint[] Tables = BuildTables();

    private static uint[] BuildTables()
    {
        var t = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        for (int k = 1; k < 8; k++)
            for (int n = 0; n < 256; n++)
            {
                uint previous = t[(k - 1) * 256 + n];
                t[k * 256 + n] = (previous >> 8) ^ t[previous & 0xFF];
            }
        return t;
    }

    /// <summary>Continues a running register; start with 0xFFFFFFFF and xor the end result with it.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        var t = Tables.AsSpan();
        while (data.Length >= 8)
        {
            uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            uint two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[7 * 256 + (int)(one & 0xFF)] ^ t[6 * 256 + (int)((one >> 8) & 0xFF)]
                ^ t[5 * 256 + (int)((one >> 16) & 0xFF)] ^ t[4 * 256 + (int)(one >> 24)]
                ^ t[3 * 256 + (int)(two & 0xFF)] ^ t[2 * 256 + (int)((two >> 8) & 0xFF)]
                ^ t[256 + (int)((two >> 16) & 0xFF)] ^ t[(int)(two >> 24)];
            data = data[8..];
        }
        foreach (var b in data) crc = t[(int)((crc ^ b) & 0xFF)] ^ (crc >> 8);
        return crc;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Update(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;
}
