using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void YCbCrToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb)
    {
        int n = rgb.Length / 3;
        y = y[..n];
        cb = cb[..n];
        cr = cr[..n];
        int i = 0;
        if (Avx2.IsSupported && n >= 8) i = YCbCrToRgbAvx2(y, cb, cr, rgb);
        var crToR = CrToR;
        var cbToB = CbToB;
        var crToG = CrToG;
        var cbToG = CbToG;
        for (; i < n; i++)
        {
            int luma = y[i];
            int blue = cb[i];
            int red = cr[i];
            rgb[3 * i] = Clamp(luma + crToR[red]);
            rgb[3 * i + 1] = Clamp(luma + ((cbToG[blue] + crToG[red]) >> ScaleBits));
            rgb[3 * i + 2] = Clamp(luma + cbToB[blue]);
        }
    }

    // Byte positions of 8 interleaved RGB pixels (24 bytes, as 16 + 8) taken from a vector holding
    // R0..R7 G0..G7 and one holding B0..B7; 0x80 selects zero so the two shuffles can be OR-ed.
    private static ReadOnlySpan<byte> RedGreenToRgbLow => [0, 8, 0x80, 1, 9, 0x80, 2, 10, 0x80, 3, 11, 0x80, 4, 12, 0x80, 5];
    private static ReadOnlySpan<byte> BlueToRgbLow => [0x80, 0x80, 0, 0x80, 0x80, 1, 0x80, 0x80, 2, 0x80, 0x80, 3, 0x80, 0x80, 4, 0x80];
    private static ReadOnlySpan<byte> RedGreenToRgbHigh => [13, 0x80, 6, 14, 0x80, 7, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80];
    private static ReadOnlySpan<byte> BlueToRgbHigh => [0x80, 5, 0x80, 0x80, 6, 0x80, 0x80, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80];

    /// <summary>
    /// Eight pixels at a time with the same fixed-point formulas as the tables (the terms are
    /// computed, not looked up, with identical rounding). Returns how many pixels were converted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int YCbCrToRgbAvx2(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb)
    {
        int n = y.Length;
        ref byte yRef = ref MemoryMarshal.GetReference(y);
        ref byte cbRef = ref MemoryMarshal.GetReference(cb);
        ref byte crRef = ref MemoryMarshal.GetReference(cr);
        ref byte outRef = ref MemoryMarshal.GetReference(rgb);
        var rgLow = Vector128.Create(RedGreenToRgbLow);
        var bLow = Vector128.Create(BlueToRgbLow);
        var rgHigh = Vector128.Create(RedGreenToRgbHigh);
        var bHigh = Vector128.Create(BlueToRgbHigh);
        var center = Vector256.Create(128);
        var half = Vector256.Create(Half);
        var max = Vector256.Create(255);
        int redFromCr = Fix(1.40200), blueFromCb = Fix(1.77200), greenFromCb = -Fix(0.34414), greenFromCr = -Fix(0.71414);
        int i = 0;
        // Each group reads 8 samples of each input and writes exactly 24 bytes.
        for (; i <= n - 8; i += 8)
        {
            var luma = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref yRef, i))).AsByte());
            var blue = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref cbRef, i))).AsByte()) - center;
            var red = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref crRef, i))).AsByte()) - center;
            var r = luma + ((red * redFromCr + half) >> ScaleBits);
            var g = luma + ((blue * greenFromCb + red * greenFromCr + half) >> ScaleBits);
            var b = luma + ((blue * blueFromCb + half) >> ScaleBits);
            r = Vector256.Min(Vector256.Max(r, Vector256<int>.Zero), max);
            g = Vector256.Min(Vector256.Max(g, Vector256<int>.Zero), max);
            b = Vector256.Min(Vector256.Max(b, Vector256<int>.Zero), max);
            var packed = Vector256.Narrow(
                Vector256.Narrow(r.AsUInt32(), g.AsUInt32()), Vector256.Narrow(b.AsUInt32(), Vector256<uint>.Zero));
            var redGreen = packed.GetLower();
            var blueOnly = packed.GetUpper();
            var low = Ssse3.Shuffle(redGreen, rgLow) | Ssse3.Shuffle(blueOnly, bLow);
            var high = Ssse3.Shuffle(redGreen, rgHigh) | Ssse3.Shuffle(blueOnly, bHigh);
            ref byte dst = ref Unsafe.Add(ref outRef, 3 * i);
            low.StoreUnsafe(ref dst);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, 16), high.AsUInt64().ToScalar());
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
