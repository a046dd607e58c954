using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        if (Avx2.IsSupported) TransformAvx2(ref block[0], ref output[0], stride);
        else TransformScalar(ref block[0], ref output[0], stride);
    }

    /// <summary>The portable version (also the reference the vector version is tested against).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TransformScalar(ref int ws, ref byte outRow, int stride)
    {
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

    /// <summary>
    /// The same arithmetic on eight lanes at once: in pass 1 each lane is a column, in pass 2 (after a
    /// transpose) each lane is a row. The flat-column and flat-row shortcuts of the scalar version are
    /// exact special cases, so computing everything in full gives identical results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TransformAvx2(ref int ws, ref byte outRow, int stride)
    {
        var r0 = Vector256.LoadUnsafe(ref ws, 0);
        var r1 = Vector256.LoadUnsafe(ref ws, 8);
        var r2 = Vector256.LoadUnsafe(ref ws, 16);
        var r3 = Vector256.LoadUnsafe(ref ws, 24);
        var r4 = Vector256.LoadUnsafe(ref ws, 32);
        var r5 = Vector256.LoadUnsafe(ref ws, 40);
        var r6 = Vector256.LoadUnsafe(ref ws, 48);
        var r7 = Vector256.LoadUnsafe(ref ws, 56);

        ButterflyVector(r0, r1, r2, r3, r4, r5, r6, r7,
            out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
        const int shift1 = ConstBits - Pass1Bits;
        var round1 = Vector256.Create(1 << (shift1 - 1));
        o0 = (o0 + round1) >> shift1;
        o1 = (o1 + round1) >> shift1;
        o2 = (o2 + round1) >> shift1;
        o3 = (o3 + round1) >> shift1;
        o4 = (o4 + round1) >> shift1;
        o5 = (o5 + round1) >> shift1;
        o6 = (o6 + round1) >> shift1;
        o7 = (o7 + round1) >> shift1;

        Transpose(ref o0, ref o1, ref o2, ref o3, ref o4, ref o5, ref o6, ref o7);
        ButterflyVector(o0, o1, o2, o3, o4, o5, o6, o7,
            out var p0, out var p1, out var p2, out var p3, out var p4, out var p5, out var p6, out var p7);
        Transpose(ref p0, ref p1, ref p2, ref p3, ref p4, ref p5, ref p6, ref p7);

        const int shift2 = ConstBits + Pass1Bits + 3;
        var round2 = Vector256.Create(1 << (shift2 - 1));
        var center = Vector256.Create(128);
        var max = Vector256.Create(255);
        p0 = Vector256.Min(Vector256.Max(((p0 + round2) >> shift2) + center, Vector256<int>.Zero), max);
        p1 = Vector256.Min(Vector256.Max(((p1 + round2) >> shift2) + center, Vector256<int>.Zero), max);
        p2 = Vector256.Min(Vector256.Max(((p2 + round2) >> shift2) + center, Vector256<int>.Zero), max);
        p3 = Vector256.Min(Vector256.Max(((p3 + round2) >> shift2) + center, Vector256<int>.Zero), max);
        p4 = Vector256.Min(Vector256.Max(((p4 + round2) >> shift2) + center, Vector256<int>.Zero), max);
        p5 = Vector256.Min(Vector256.Max(((p5 + round2) >> shift2) + center, Vector256<int>.Zero), max);
        p6 = Vector256.Min(Vector256.Max(((p6 + round2) >> shift2) + center, Vector256<int>.Zero), max);
        p7 = Vector256.Min(Vector256.Max(((p7 + round2) >> shift2) + center, Vector256<int>.Zero), max);
        var top = Vector256.Narrow(Vector256.Narrow(p0, p1), Vector256.Narrow(p2, p3)).AsUInt64();
        var bottom = Vector256.Narrow(Vector256.Narrow(p4, p5), Vector256.Narrow(p6, p7)).AsUInt64();
        Unsafe.WriteUnaligned(ref outRow, top.GetElement(0));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref outRow, stride), top.GetElement(1));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref outRow, 2 * stride), top.GetElement(2));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref outRow, 3 * stride), top.GetElement(3));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref outRow, 4 * stride), bottom.GetElement(0));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref outRow, 5 * stride), bottom.GetElement(1));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref outRow, 6 * stride), bottom.GetElement(2));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref outRow, 7 * stride), bottom.GetElement(3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ButterflyVector(Vector256<int> in0, Vector256<int> in1, Vector256<int> in2, Vector256<int> in3,
        Vector256<int> in4, Vector256<int> in5, Vector256<int> in6, Vector256<int> in7,
        out Vector256<int> o0, out Vector256<int> o1, out Vector256<int> o2, out Vector256<int> o3,
        out Vector256<int> o4, out Vector256<int> o5, out Vector256<int> o6, out Vector256<int> o7)
    {
        var z1 = (in2 + in6) * Fix0_541196100;
        var even2 = z1 - in6 * Fix1_847759065;
        var even3 = z1 + in2 * Fix0_765366865;
        var even0 = (in0 + in4) << ConstBits;
        var even1 = (in0 - in4) << ConstBits;
        var e10 = even0 + even3;
        var e13 = even0 - even3;
        var e11 = even1 + even2;
        var e12 = even1 - even2;

        var a = in7 + in1;
        var b = in5 + in3;
        var c = in7 + in3;
        var d = in5 + in1;
        var z5 = (c + d) * Fix1_175875602;
        var odd0 = in7 * Fix0_298631336;
        var odd1 = in5 * Fix2_053119869;
        var odd2 = in3 * Fix3_072711026;
        var odd3 = in1 * Fix1_501321110;
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

    /// <summary>Transposes the 8×8 matrix whose rows are the eight vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector256<int> v0, ref Vector256<int> v1, ref Vector256<int> v2, ref Vector256<int> v3,
        ref Vector256<int> v4, ref Vector256<int> v5, ref Vector256<int> v6, ref Vector256<int> v7)
    {
        var t0 = Avx2.UnpackLow(v0, v1).AsInt64();
        var t1 = Avx2.UnpackHigh(v0, v1).AsInt64();
        var t2 = Avx2.UnpackLow(v2, v3).AsInt64();
        var t3 = Avx2.UnpackHigh(v2, v3).AsInt64();
        var t4 = Avx2.UnpackLow(v4, v5).AsInt64();
        var t5 = Avx2.UnpackHigh(v4, v5).AsInt64();
        var t6 = Avx2.UnpackLow(v6, v7).AsInt64();
        var t7 = Avx2.UnpackHigh(v6, v7).AsInt64();
        var u0 = Avx2.UnpackLow(t0, t2).AsInt32();
        var u1 = Avx2.UnpackHigh(t0, t2).AsInt32();
        var u2 = Avx2.UnpackLow(t1, t3).AsInt32();
        var u3 = Avx2.UnpackHigh(t1, t3).AsInt32();
        var u4 = Avx2.UnpackLow(t4, t6).AsInt32();
        var u5 = Avx2.UnpackHigh(t4, t6).AsInt32();
        var u6 = Avx2.UnpackLow(t5, t7).AsInt32();
        var u7 = Avx2.UnpackHigh(t5, t7).AsInt32();
        v0 = Avx2.Permute2x128(u0, u4, 0x20);
        v4 = Avx2.Permute2x128(u0, u4, 0x31);
        v1 = Avx2.Permute2x128(u1, u5, 0x20);
        v5 = Avx2.Permute2x128(u1, u5, 0x31);
        v2 = Avx2.Permute2x128(u2, u6, 0x20);
        v6 = Avx2.Permute2x128(u2, u6, 0x31);
        v3 = Avx2.Permute2x128(u3, u7, 0x20);
        v7 = Avx2.Permute2x128(u3, u7, 0x31);
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
    /// network of the Loeffler–Ligtenberg–Moschytz factorisation.
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
