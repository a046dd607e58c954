using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// AVX-512 micro-kernel: a 14×32 tile of C lives in 28 zmm accumulators, leaving registers for the two
/// B vectors and one broadcast A value. Each depth step is 2 aligned loads, 14 broadcasts and 28 FMAs.
/// </summary>
internal readonly unsafe struct Avx512MicroKernel : IGemmMicroKernel
{
    public static int MR => 14;
    public static int NR => 32;
    // Measured on Zen 4 (32 KiB L1D, 1 MiB L2): a 384-deep slice makes the C tile traffic per call
    // negligible, and a 384 × 1024 B̃ panel (1.5 MiB) packed right before use is still mostly in L2,
    // which matters when packing is im2col (2048³ GEMM was indifferent between NC = 1024 and 4096).
    public static int KC => 384;
    public static int MC => 14 * 12;
    public static int NC => 32 * 32;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        Sse.Prefetch0(c + 0 * ldc);
        Sse.Prefetch0(c + 0 * ldc + 16);
        Sse.Prefetch0(c + 1 * ldc);
        Sse.Prefetch0(c + 1 * ldc + 16);
        Sse.Prefetch0(c + 2 * ldc);
        Sse.Prefetch0(c + 2 * ldc + 16);
        Sse.Prefetch0(c + 3 * ldc);
        Sse.Prefetch0(c + 3 * ldc + 16);
        Sse.Prefetch0(c + 4 * ldc);
        Sse.Prefetch0(c + 4 * ldc + 16);
        Sse.Prefetch0(c + 5 * ldc);
        Sse.Prefetch0(c + 5 * ldc + 16);
        Sse.Prefetch0(c + 6 * ldc);
        Sse.Prefetch0(c + 6 * ldc + 16);
        Sse.Prefetch0(c + 7 * ldc);
        Sse.Prefetch0(c + 7 * ldc + 16);
        Sse.Prefetch0(c + 8 * ldc);
        Sse.Prefetch0(c + 8 * ldc + 16);
        Sse.Prefetch0(c + 9 * ldc);
        Sse.Prefetch0(c + 9 * ldc + 16);
        Sse.Prefetch0(c + 10 * ldc);
        Sse.Prefetch0(c + 10 * ldc + 16);
        Sse.Prefetch0(c + 11 * ldc);
        Sse.Prefetch0(c + 11 * ldc + 16);
        Sse.Prefetch0(c + 12 * ldc);
        Sse.Prefetch0(c + 12 * ldc + 16);
        Sse.Prefetch0(c + 13 * ldc);
        Sse.Prefetch0(c + 13 * ldc + 16);
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        Vector512<float> c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default;
        Vector512<float> c100 = default, c101 = default;
        Vector512<float> c110 = default, c111 = default;
        Vector512<float> c120 = default, c121 = default;
        Vector512<float> c130 = default, c131 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Avx512F.LoadAlignedVector512(b);
            Vector512<float> b1 = Avx512F.LoadAlignedVector512(b + 16);
            Vector512<float> ai;
            ai = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(ai, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(ai, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(ai, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(ai, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(ai, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(ai, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(ai, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(ai, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(ai, b1, c71);
            ai = Vector512.Create(a[8]);
            c80 = Avx512F.FusedMultiplyAdd(ai, b0, c80);
            c81 = Avx512F.FusedMultiplyAdd(ai, b1, c81);
            ai = Vector512.Create(a[9]);
            c90 = Avx512F.FusedMultiplyAdd(ai, b0, c90);
            c91 = Avx512F.FusedMultiplyAdd(ai, b1, c91);
            ai = Vector512.Create(a[10]);
            c100 = Avx512F.FusedMultiplyAdd(ai, b0, c100);
            c101 = Avx512F.FusedMultiplyAdd(ai, b1, c101);
            ai = Vector512.Create(a[11]);
            c110 = Avx512F.FusedMultiplyAdd(ai, b0, c110);
            c111 = Avx512F.FusedMultiplyAdd(ai, b1, c111);
            ai = Vector512.Create(a[12]);
            c120 = Avx512F.FusedMultiplyAdd(ai, b0, c120);
            c121 = Avx512F.FusedMultiplyAdd(ai, b1, c121);
            ai = Vector512.Create(a[13]);
            c130 = Avx512F.FusedMultiplyAdd(ai, b0, c130);
            c131 = Avx512F.FusedMultiplyAdd(ai, b1, c131);
            a += 14;
            b += 32;
        }

        if (beta == 0)
        {
            Avx512F.Store(c + 0 * ldc, c00);
            Avx512F.Store(c + 0 * ldc + 16, c01);
            Avx512F.Store(c + 1 * ldc, c10);
            Avx512F.Store(c + 1 * ldc + 16, c11);
            Avx512F.Store(c + 2 * ldc, c20);
            Avx512F.Store(c + 2 * ldc + 16, c21);
            Avx512F.Store(c + 3 * ldc, c30);
            Avx512F.Store(c + 3 * ldc + 16, c31);
            Avx512F.Store(c + 4 * ldc, c40);
            Avx512F.Store(c + 4 * ldc + 16, c41);
            Avx512F.Store(c + 5 * ldc, c50);
            Avx512F.Store(c + 5 * ldc + 16, c51);
            Avx512F.Store(c + 6 * ldc, c60);
            Avx512F.Store(c + 6 * ldc + 16, c61);
            Avx512F.Store(c + 7 * ldc, c70);
            Avx512F.Store(c + 7 * ldc + 16, c71);
            Avx512F.Store(c + 8 * ldc, c80);
            Avx512F.Store(c + 8 * ldc + 16, c81);
            Avx512F.Store(c + 9 * ldc, c90);
            Avx512F.Store(c + 9 * ldc + 16, c91);
            Avx512F.Store(c + 10 * ldc, c100);
            Avx512F.Store(c + 10 * ldc + 16, c101);
            Avx512F.Store(c + 11 * ldc, c110);
            Avx512F.Store(c + 11 * ldc + 16, c111);
            Avx512F.Store(c + 12 * ldc, c120);
            Avx512F.Store(c + 12 * ldc + 16, c121);
            Avx512F.Store(c + 13 * ldc, c130);
            Avx512F.Store(c + 13 * ldc + 16, c131);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            float* row;
            row = c + 0 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c00));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c01));
            row = c + 1 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c10));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c11));
            row = c + 2 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c20));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c21));
            row = c + 3 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c30));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c31));
            row = c + 4 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c40));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c41));
            row = c + 5 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c50));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c51));
            row = c + 6 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c60));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c61));
            row = c + 7 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c70));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c71));
            row = c + 8 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c80));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c81));
            row = c + 9 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c90));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c91));
            row = c + 10 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c100));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c101));
            row = c + 11 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c110));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c111));
            row = c + 12 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c120));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c121));
            row = c + 13 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c130));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c131));
        }
    }
}
