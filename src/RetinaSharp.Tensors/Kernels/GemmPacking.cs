using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// Packing of dense operands into micro-panels (see <see cref="IGemmOperand.Pack"/>). Source pointers
/// address element (x0, p0); the destination of panel q is dst + q·kc·r.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>Outer index contiguous: each depth step of a panel is one run of r floats.</summary>
    public static void PackRows(float* dst, float* src, long strideP, int xc, int kc, int r, float scale)
    {
        // Depth-major order reads each source row front to back (prefetch-friendly, one page at a
        // time) and scatters it over the panels, instead of walking every panel down a large stride.
        int full = xc / r, tail = xc - full * r;
        long panelSize = (long)kc * r;
        for (int p = 0; p < kc; p++)
        {
            float* s = src + p * strideP;
            float* d = dst + (long)p * r;
            if (scale == 1f)
            {
                for (int q = 0; q < full; q++) CopyRun(d + q * panelSize, s + q * r, r);
            }
            else
            {
                for (int q = 0; q < full; q++) ScaleRun(d + q * panelSize, s + q * r, r, scale);
            }
            if (tail > 0)
            {
                float* dt = d + full * panelSize;
                float* st = s + full * r;
                int t = 0;
                for (; t < tail; t++) dt[t] = st[t] * scale;
                for (; t < r; t++) dt[t] = 0f;
            }
        }
    }

    /// <summary>Depth contiguous: each of the r rows of a panel is read as a run and transposed into place.</summary>
    public static void PackColumns(float* dst, float* src, long strideX, int xc, int kc, int r, float scale)
    {
        for (int x = 0; x < xc; x += r, dst += (long)kc * r)
        {
            int w = Math.Min(r, xc - x);
            float* s = src + x * strideX;
            // 8×8 blocks transposed in registers (8 loads and 8 stores instead of 64 scalar moves)
            // cover whole groups of 8 rows and 8 depth steps; the rest is moved one element at a time.
            int w8 = Avx.IsSupported ? w & ~7 : 0, kc8 = kc & ~7;
            for (int t = 0; t < w8; t += 8)
            {
                for (int p = 0; p < kc8; p += 8)
                    Transpose8x8(s + t * strideX + p, strideX, dst + (long)p * r + t, r, scale);
            }
            for (int t = 0; t < w; t++)
            {
                float* row = s + t * strideX;
                float* d = dst + t;
                for (int q = t < w8 ? kc8 : 0; q < kc; q++) d[(long)q * r] = row[q] * scale;
            }
            for (int t = w; t < r; t++)
            {
                float* d = dst + t;
                for (int q = 0; q < kc; q++) d[(long)q * r] = 0f;
            }
        }
    }

    /// <summary>Neither stride is 1 (e.g. a strided view): one element at a time.</summary>
    public static void PackGather(float* dst, float* src, long strideX, long strideP, int xc, int kc, int r, float scale)
    {
        for (int x = 0; x < xc; x += r, dst += (long)kc * r)
        {
            int w = Math.Min(r, xc - x);
            for (int p = 0; p < kc; p++)
            {
                float* d = dst + (long)p * r;
                float* s = src + x * strideX + p * strideP;
                int t = 0;
                for (; t < w; t++) d[t] = s[t * strideX] * scale;
                for (; t < r; t++) d[t] = 0f;
            }
        }
    }

    /// <summary>Copies n floats with the widest vectors available.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CopyRun(float* d, float* s, int n)
    {
        int t = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; t + 16 <= n; t += 16) Vector512.Store(Vector512.Load(s + t), d + t);
        }
        for (; t + 8 <= n; t += 8) Vector256.Store(Vector256.Load(s + t), d + t);
        for (; t < n; t++) d[t] = s[t];
    }

    /// <summary>d[i] = scale · s[i] for n floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScaleRun(float* d, float* s, int n, float scale)
    {
        int t = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var v = Vector512.Create(scale);
            for (; t + 16 <= n; t += 16) Vector512.Store(Vector512.Load(s + t) * v, d + t);
        }
        var v8 = Vector256.Create(scale);
        for (; t + 8 <= n; t += 8) Vector256.Store(Vector256.Load(s + t) * v8, d + t);
        for (; t < n; t++) d[t] = s[t] * scale;
    }

    /// <summary>Writes n zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ZeroRun(float* d, int n)
    {
        int t = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; t + 16 <= n; t += 16) Vector512.Store(Vector512<float>.Zero, d + t);
        }
        for (; t + 8 <= n; t += 8) Vector256.Store(Vector256<float>.Zero, d + t);
        for (; t < n; t++) d[t] = 0f;
    }

    /// <summary>dst[q·ldd + t] = scale · src[t·lds + q] for an 8×8 block.</summary>
    private static void Transpose8x8(float* src, long lds, float* dst, long ldd, float scale)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + lds);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * lds);
        Vector256<float> r3 = Avx.LoadVector256(src + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * lds);
        Vector256<float> r5 = Avx.LoadVector256(src + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * lds);
        Vector256<float> r7 = Avx.LoadVector256(src + 7 * lds);

        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        Vector256<float> vs = Vector256.Create(scale);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20) * vs);
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20) * vs);
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20) * vs);
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20) * vs);
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31) * vs);
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31) * vs);
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31) * vs);
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31) * vs);
    }
}
