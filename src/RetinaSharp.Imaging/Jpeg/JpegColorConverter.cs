namespace RetinaSharp.Imaging.Jpeg;

/// <summary>
/// Converts decoded component rows to interleaved 8-bit RGB. YCbCr uses the JFIF (ITU-R BT.601
/// full-range) equations in 16-bit fixed point with libjpeg's rounding, so results match it exactly.
/// </summary>
internal static class JpegColorConverter
{
    private const int ScaleBits = 16;
    private const int Half = 1 << (ScaleBits - 1);

    // Per-value terms of R = Y + 1.402·Cr', G = Y − 0.34414·Cb' − 0.71414·Cr', B = Y + 1.772·Cb',
    // with Cb' = Cb − 128 and Cr' = Cr − 128. The red and blue terms are rounded here; the two
    // green terms are kept scaled and rounded once after they are added.
    private static readonly int[] CrToR = new int[256];
    private static readonly int[] CbToB = new int[256];
    private static readonly int[] CrToG = new int[256];
    private static readonly int[] CbToG = new int[256];

    static JpegColorConverter()
    {
        for (int i = 0; i < 256; i++)
        {
            int x = i - 128;
            CrToR[i] = (Fix(1.40200) * x + Half) >> ScaleBits;
            CbToB[i] = (Fix(1.77200) * x + Half) >> ScaleBits;
            CrToG[i] = -Fix(0.71414) * x;
            CbToG[i] = -Fix(0.34414) * x + Half;
        }
    }

    private static int Fix(double x) => (int)(x * (1 << ScaleBits) + 0.5);

    public static void YCbCrToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb)
    {
        int n = rgb.Length / 3;
        y = y[..n];
        cb = cb[..n];
        cr = cr[..n];
        var crToR = CrToR;
        var cbToB = CbToB;
        var crToG = CrToG;
        var cbToG = CbToG;
        for (int i = 0; i < n; i++)
        {
            int luma = y[i];
            int blue = cb[i];
            int red = cr[i];
            rgb[3 * i] = Clamp(luma + crToR[red]);
            rgb[3 * i + 1] = Clamp(luma + ((cbToG[blue] + crToG[red]) >> ScaleBits));
            rgb[3 * i + 2] = Clamp(luma + cbToB[blue]);
        }
    }

    public static void GrayToRgb(ReadOnlySpan<byte> gray, Span<byte> rgb)
    {
        int n = rgb.Length / 3;
        gray = gray[..n];
        for (int i = 0; i < n; i++)
        {
            byte v = gray[i];
            rgb[3 * i] = v;
            rgb[3 * i + 1] = v;
            rgb[3 * i + 2] = v;
        }
    }

    public static void InterleaveRgb(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, Span<byte> rgb)
    {
        int n = rgb.Length / 3;
        r = r[..n];
        g = g[..n];
        b = b[..n];
        for (int i = 0; i < n; i++)
        {
            rgb[3 * i] = r[i];
            rgb[3 * i + 1] = g[i];
            rgb[3 * i + 2] = b[i];
        }
    }

    private static byte Clamp(int v) => (uint)v <= 255 ? (byte)v : v < 0 ? (byte)0 : (byte)255;
}
