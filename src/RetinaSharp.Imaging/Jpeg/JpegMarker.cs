namespace RetinaSharp.Imaging.Jpeg;

/// <summary>Marker codes (the byte after 0xFF) used by the decoder, and how to find the next marker.</summary>
internal static class JpegMarker
{
    public const byte Sof0 = 0xC0;   // baseline sequential, Huffman
    public const byte Sof1 = 0xC1;   // extended sequential, Huffman
    public const byte Sof2 = 0xC2;   // progressive, Huffman
    public const byte Sof3 = 0xC3;   // lossless, Huffman
    public const byte Dht = 0xC4;
    public const byte Jpg = 0xC8;    // reserved for JPEG extensions
    public const byte Dac = 0xCC;    // arithmetic conditioning
    public const byte Rst0 = 0xD0;
    public const byte Rst7 = 0xD7;
    public const byte Soi = 0xD8;
    public const byte Eoi = 0xD9;
    public const byte Sos = 0xDA;
    public const byte Dqt = 0xDB;
    public const byte Dnl = 0xDC;
    public const byte Dri = 0xDD;
    public const byte Dhp = 0xDE;    // hierarchical progression
    public const byte Exp = 0xDF;    // expand reference components (hierarchical)
    public const byte App0 = 0xE0;
    public const byte App1 = 0xE1;
    public const byte App14 = 0xEE;
    public const byte App15 = 0xEF;
    public const byte Sof55 = 0xF7;  // JPEG-LS
    public const byte Com = 0xFE;
    public const byte Tem = 0x01;

    /// <summary>
    /// Index of the next marker (a 0xFF followed by a code other than 0x00 and 0xFF) at or after
    /// <paramref name="start"/>, or -1 if there is none. Anything before it is skipped: stray bytes
    /// after a scan and 0xFF fill bytes in front of a marker.
    /// </summary>
    public static int Find(ReadOnlySpan<byte> data, int start)
    {
        for (int i = Math.Max(start, 0); i + 1 < data.Length; i++)
        {
            if (data[i] != 0xFF) continue;
            byte code = data[i + 1];
            if (code != 0 && code != 0xFF) return i;
        }
        return -1;
    }

    public static bool IsRestart(int code) => code >= Rst0 && code <= Rst7;

    /// <summary>A name for a start-of-frame code that the decoder refuses, for error messages.</summary>
    public static string? UnsupportedFrameDescription(int code) => code switch
    {
        0xC3 => "lossless JPEG (SOF3)",
        0xC5 => "hierarchical (differential sequential, SOF5) JPEG",
        0xC6 => "hierarchical (differential progressive, SOF6) JPEG",
        0xC7 => "hierarchical (differential lossless, SOF7) JPEG",
        0xC9 => "arithmetic-coded JPEG (extended sequential, SOF9)",
        0xCA => "arithmetic-coded JPEG (progressive, SOF10)",
        0xCB => "arithmetic-coded JPEG (lossless, SOF11)",
        0xCD => "arithmetic-coded hierarchical JPEG (SOF13)",
        0xCE => "arithmetic-coded hierarchical JPEG (SOF14)",
        0xCF => "arithmetic-coded hierarchical JPEG (SOF15)",
        Dhp => "hierarchical JPEG (DHP marker)",
        Exp => "hierarchical JPEG (EXP marker)",
        Sof55 => "JPEG-LS (SOF55)",
        Jpg => "JPEG extension marker JPG (0xFFC8)",
        _ => null,
    };
}
