using System.Runtime.CompilerServices;

namespace RetinaSharp.Imaging.Jpeg;

/// <summary>
/// The 8×8 inverse DCT in scaled integer arithmetic: the Loeffler–Ligtenberg–Moschytz factorisation
/// with 13-bit constants, two extra bits of precision kept between the column and row passes, and
/// round-half-up descaling. This is the arithmetic of libjpeg's default "accurate integer" method, so
/// the samples match what libjpeg-turbo (djpeg, PIL, torchvision) produces bit for bit.
/// </summary>
internal static class JpegIdct
{
    private const int ConstBits = 13;
    private const int Pass1Bits = 2;

    // round(x · 2^13) for the rotation constants of the factorisation.
    private const int Fix0_298631336 = 2446;
    private const int Fix0_390180644 = 3196;
    private const int Fix0_541196100 = 4433;
    private const int Fix0_765366865 = 6270;
    private const int Fix0_899976223 = 7373;
    private const int Fix1_175875602 = 9633;
    private const int Fix1_501321110 = 12299;
    private const int Fix1_847759065 = 15137;
    private const int Fix1_961570560 = 16069;
    private const int Fix2_053119869 = 16819;
    private const int Fix2_562915447 = 20995;
    private const int Fix3_072711026 = 25172;

    /// <summary>
    /// Transforms one block of dequantised coefficients in natural (row-major) order, which is used
    /// as the workspace and destroyed, into 8×8 samples written at <paramref name="output"/> with
    /// <paramref name="stride"/> bytes per row.
    /// </summary>
    public static void Transform(Span<int> block, Span<byte> output, int stride)
    {
        if (block.Length < 64) throw new ArgumentException("A block has 64 coefficients.", nameof(block));
        if (output.Length < 7 * stride + 8) throw new ArgumentException("The output cannot hold 8 rows.", nameof(output));
        ref int ws = ref block[0];

        // Pass 1: columns, in place. Results keep Pass1Bits extra bits.
        for (int col = 0; col < 8; col++)
        {
            ref int c = ref Unsafe.Add(ref ws, col);
            int in1 = Unsafe.Add(ref c, 8), in2 = Unsafe.Add(ref c, 16), in3 = Unsafe.Add(ref c, 24);
            int in4 = Unsafe.Add(ref c, 32), in5 = Unsafe.Add(ref c, 40), in6 = Unsafe.Add(ref c, 48);
            int in7 = Unsafe.Add(ref c, 56);
            if ((in1 | in2 | in3 | in4 | in5 | in6 | in7) == 0)
            {
                // Common case: only the DC term, so the column is flat and needs no multiplies.
                int dc = c << Pass1Bits;
                Unsafe.Add(ref c, 8) = dc; Unsafe.Add(ref c, 16) = dc; Unsafe.Add(ref c, 24) = dc;
                Unsafe.Add(ref c, 32) = dc; Unsafe.Add(ref c, 40) = dc; Unsafe.Add(ref c, 48) = dc;
                Unsafe.Add(ref c, 56) = dc;
                c = dc;
                continue;
            }
            Butterfly(c, in1, in2, in3, in4, in5, in6, in7,
                out int o0, out int o1, out int o2, out int o3, out int o4, out int o5, out int o6, out int o7);
            const int shift = ConstBits - Pass1Bits;
            const int round = 1 << (shift - 1);
            c = (o0 + round) >> shift;
            Unsafe.Add(ref c, 8) = (o1 + round) >> shift;
            Unsafe.Add(ref c, 16) = (o2 + round) >> shift;
            Unsafe.Add(ref c, 24) = (o3 + round) >> shift;
            Unsafe.Add(ref c, 32) = (o4 + round) >> shift;
            Unsafe.Add(ref c, 40) = (o5 + round) >> shift;
            Unsafe.Add(ref c, 48) = (o6 + round) >> shift;
            Unsafe.Add(ref c, 56) = (o7 + round) >> shift;
        }

        // Pass 2: rows. Remove the scaling (2^13 from the constants, 2^2 from pass 1, 8 from the
        // DCT's normalisation), level-shift by 128 and clamp.
        ref byte outRow = ref output[0];
        for (int row = 0; row < 8; row++, outRow = ref Unsafe.Add(ref outRow, stride))
        {
            ref int r = ref Unsafe.Add(ref ws, row * 8);
            int in1 = Unsafe.Add(ref r, 1), in2 = Unsafe.Add(ref r, 2), in3 = Unsafe.Add(ref r, 3);
            int in4 = Unsafe.Add(ref r, 4), in5 = Unsafe.Add(ref r, 5), in6 = Unsafe.Add(ref r, 6);
            int in7 = Unsafe.Add(ref r, 7);
            if ((in1 | in2 | in3 | in4 | in5 | in6 | in7) == 0)
            {
                byte flat = Clamp(((r + (1 << (Pass1Bits + 2))) >> (Pass1Bits + 3)) + 128);
                Unsafe.InitBlockUnaligned(ref outRow, flat, 8);
                continue;
            }
            Butterfly(r, in1, in2, in3, in4, in5, in6, in7,
                out int o0, out int o1, out int o2, out int o3, out int o4, out int o5, out int o6, out int o7);
            const int shift = ConstBits + Pass1Bits + 3;
            const int round = 1 << (shift - 1);
            outRow = Clamp(((o0 + round) >> shift) + 128);
            Unsafe.Add(ref outRow, 1) = Clamp(((o1 + round) >> shift) + 128);
            Unsafe.Add(ref outRow, 2) = Clamp(((o2 + round) >> shift) + 128);
            Unsafe.Add(ref outRow, 3) = Clamp(((o3 + round) >> shift) + 128);
            Unsafe.Add(ref outRow, 4) = Clamp(((o4 + round) >> shift) + 128);
            Unsafe.Add(ref outRow, 5) = Clamp(((o5 + round) >> shift) + 128);
            Unsafe.Add(ref outRow, 6) = Clamp(((o6 + round) >> shift) + 128);
            Unsafe.Add(ref outRow, 7) = Clamp(((o7 + round) >> shift) + 128);
        }
    }

    /// <summary>A block with only a DC term is flat: the same arithmetic as <see cref="Transform"/> reduced to one value.</summary>
    public static void TransformDcOnly(int dequantizedDc, Span<byte> output, int stride)
    {
        if (output.Length < 7 * stride + 8) throw new ArgumentException("The output cannot hold 8 rows.", nameof(output));
        byte flat = Clamp((((dequantizedDc << Pass1Bits) + (1 << (Pass1Bits + 2))) >> (Pass1Bits + 3)) + 128);
        ref byte outRow = ref output[0];
        for (int row = 0; row < 8; row++, outRow = ref Unsafe.Add(ref outRow, stride))
            Unsafe.InitBlockUnaligned(ref outRow, flat, 8);
    }

    /// <summary>
    /// The 1-D transform of eight inputs; outputs are scaled by 2^13 (not yet descaled). The even
    /// part rotates inputs 2 and 6 and combines 0 and 4; the odd part is the four-input rotation
    /// network of the LLM factorisation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(int in0, int in1, int in2, int in3, int in4, int in5, int in6, int in7,
        out int o0, out int o1, out int o2, out int o3, out int o4, out int o5, out int o6, out int o7)
    {
        int z1 = (in2 + in6) * Fix0_541196100;
        int even2 = z1 - in6 * Fix1_847759065;
        int even3 = z1 + in2 * Fix0_765366865;
        int even0 = (in0 + in4) << ConstBits;
        int even1 = (in0 - in4) << ConstBits;
        int e10 = even0 + even3;
        int e13 = even0 - even3;
        int e11 = even1 + even2;
        int e12 = even1 - even2;

        int a = in7 + in1;
        int b = in5 + in3;
        int c = in7 + in3;
        int d = in5 + in1;
        int z5 = (c + d) * Fix1_175875602;
        int odd0 = in7 * Fix0_298631336;
        int odd1 = in5 * Fix2_053119869;
        int odd2 = in3 * Fix3_072711026;
        int odd3 = in1 * Fix1_501321110;
        a *= -Fix0_899976223;
        b *= -Fix2_562915447;
        c = c * -Fix1_961570560 + z5;
        d = d * -Fix0_390180644 + z5;
        odd0 += a + c;
        odd1 += b + d;
        odd2 += b + c;
        odd3 += a + d;

        o0 = e10 + odd3;
        o7 = e10 - odd3;
        o1 = e11 + odd2;
        o6 = e11 - odd2;
        o2 = e12 + odd1;
        o5 = e12 - odd1;
        o3 = e13 + odd0;
        o4 = e13 - odd0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clamp(int v) => (uint)v <= 255 ? (byte)v : v < 0 ? (byte)0 : (byte)255;
}
