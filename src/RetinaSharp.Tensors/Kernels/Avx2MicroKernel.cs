using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// AVX2+FMA micro-kernel: a 6×16 tile of C in 12 ymm accumulators, with two B vectors and one
/// broadcast A value filling the 16 ymm registers.
/// </summary>
internal readonly unsafe struct Avx2MicroKernel : IGemmMicroKernel
{
    public static int MR => 6;
    public static int NR => 16;
    public static int KC => 256;
    public static int MC => 6 * 24;
    public static int NC => 16 * 64;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        Sse.Prefetch0(c + 0 * ldc);
        Sse.Prefetch0(c + 0 * ldc + 8);
        Sse.Prefetch0(c + 1 * ldc);
        Sse.Prefetch0(c + 1 * ldc + 8);
        Sse.Prefetch0(c + 2 * ldc);
        Sse.Prefetch0(c + 2 * ldc + 8);
        Sse.Prefetch0(c + 3 * ldc);
        Sse.Prefetch0(c + 3 * ldc + 8);
        Sse.Prefetch0(c + 4 * ldc);
        Sse.Prefetch0(c + 4 * ldc + 8);
        Sse.Prefetch0(c + 5 * ldc);
        Sse.Prefetch0(c + 5 * ldc + 8);
        Vector256<float> c00 = default, c01 = default;
        Vector256<float> c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default;
        Vector256<float> c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(b);
            Vector256<float> b1 = Avx.LoadAlignedVector256(b + 8);
            Vector256<float> ai;
            ai = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(ai, b0, c00);
            c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(ai, b0, c10);
            c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(ai, b0, c20);
            c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(ai, b0, c30);
            c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(ai, b0, c40);
            c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(ai, b0, c50);
            c51 = Fma.MultiplyAdd(ai, b1, c51);
            a += 6;
            b += 16;
        }

        if (beta == 0)
        {
            Avx.Store(c + 0 * ldc, c00);
            Avx.Store(c + 0 * ldc + 8, c01);
            Avx.Store(c + 1 * ldc, c10);
            Avx.Store(c + 1 * ldc + 8, c11);
            Avx.Store(c + 2 * ldc, c20);
            Avx.Store(c + 2 * ldc + 8, c21);
            Avx.Store(c + 3 * ldc, c30);
            Avx.Store(c + 3 * ldc + 8, c31);
            Avx.Store(c + 4 * ldc, c40);
            Avx.Store(c + 4 * ldc + 8, c41);
            Avx.Store(c + 5 * ldc, c50);
            Avx.Store(c + 5 * ldc + 8, c51);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            float* row;
            row = c + 0 * ldc;
            Avx.Store(row, Fma.MultiplyAdd(vb, Avx.LoadVector256(row), c00));
            Avx.Store(row + 8, Fma.MultiplyAdd(vb, Avx.LoadVector256(row + 8), c01));
            row = c + 1 * ldc;
            Avx.Store(row, Fma.MultiplyAdd(vb, Avx.LoadVector256(row), c10));
            Avx.Store(row + 8, Fma.MultiplyAdd(vb, Avx.LoadVector256(row + 8), c11));
            row = c + 2 * ldc;
            Avx.Store(row, Fma.MultiplyAdd(vb, Avx.LoadVector256(row), c20));
            Avx.Store(row + 8, Fma.MultiplyAdd(vb, Avx.LoadVector256(row + 8), c21));
            row = c + 3 * ldc;
            Avx.Store(row, Fma.MultiplyAdd(vb, Avx.LoadVector256(row), c30));
            Avx.Store(row + 8, Fma.MultiplyAdd(vb, Avx.LoadVector256(row + 8), c31));
            row = c + 4 * ldc;
            Avx.Store(row, Fma.MultiplyAdd(vb, Avx.LoadVector256(row), c40));
            Avx.Store(row + 8, Fma.MultiplyAdd(vb, Avx.LoadVector256(row + 8), c41));
            row = c + 5 * ldc;
            Avx.Store(row, Fma.MultiplyAdd(vb, Avx.LoadVector256(row), c50));
            Avx.Store(row + 8, Fma.MultiplyAdd(vb, Avx.LoadVector256(row + 8), c51));
        }
    }
}
