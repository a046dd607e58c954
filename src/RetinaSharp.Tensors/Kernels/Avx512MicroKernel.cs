using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// AVX-512 micro-kernel: an 8×48 tile of C lives in 24 zmm accumulators, leaving registers for the three
/// B vectors and one broadcast A value. Each depth step is 3 aligned loads, 8 broadcasts and 24 FMAs.
/// Eight rows divide the channel counts of real networks (64, 256, 2304 = 256·9 ...) exactly, so the
/// row edge tiles that waste work with taller tiles (e.g. 14×32 on 256 rows) do not occur.
/// </summary>
internal readonly unsafe struct Avx512MicroKernel : IGemmMicroKernel
{
    public static int MR => 8;
    public static int NR => 48;

    // Measured on Zen 4 (32 KiB L1D, 1 MiB L2): a 384-deep slice makes the C tile traffic per call
    // negligible, and a 384 × 1056 B̃ panel (1.5 MiB) packed right before use is still mostly in L2,
    // which matters when packing is im2col (the 2048³ GEMM was indifferent to NC between 1024 and 4096).
    public static int KC => 384;
    public static int MC => 8 * 21;
    public static int NC => 48 * 22;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        Sse.Prefetch0(c + 0 * ldc + 0); Sse.Prefetch0(c + 0 * ldc + 16); Sse.Prefetch0(c + 0 * ldc + 32);
        Sse.Prefetch0(c + 1 * ldc + 0); Sse.Prefetch0(c + 1 * ldc + 16); Sse.Prefetch0(c + 1 * ldc + 32);
        Sse.Prefetch0(c + 2 * ldc + 0); Sse.Prefetch0(c + 2 * ldc + 16); Sse.Prefetch0(c + 2 * ldc + 32);
        Sse.Prefetch0(c + 3 * ldc + 0); Sse.Prefetch0(c + 3 * ldc + 16); Sse.Prefetch0(c + 3 * ldc + 32);
        Sse.Prefetch0(c + 4 * ldc + 0); Sse.Prefetch0(c + 4 * ldc + 16); Sse.Prefetch0(c + 4 * ldc + 32);
        Sse.Prefetch0(c + 5 * ldc + 0); Sse.Prefetch0(c + 5 * ldc + 16); Sse.Prefetch0(c + 5 * ldc + 32);
        Sse.Prefetch0(c + 6 * ldc + 0); Sse.Prefetch0(c + 6 * ldc + 16); Sse.Prefetch0(c + 6 * ldc + 32);
        Sse.Prefetch0(c + 7 * ldc + 0); Sse.Prefetch0(c + 7 * ldc + 16); Sse.Prefetch0(c + 7 * ldc + 32);
        Vector512<float> c00 = default, c01 = default, c02 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default;
        Vector512<float> c50 = default, c51 = default, c52 = default;
        Vector512<float> c60 = default, c61 = default, c62 = default;
        Vector512<float> c70 = default, c71 = default, c72 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Avx512F.LoadAlignedVector512(b + 0);
            Vector512<float> b1 = Avx512F.LoadAlignedVector512(b + 16);
            Vector512<float> b2 = Avx512F.LoadAlignedVector512(b + 32);
            Vector512<float> ai;
            ai = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(ai, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(ai, b1, c01);
            c02 = Avx512F.FusedMultiplyAdd(ai, b2, c02);
            ai = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(ai, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(ai, b1, c11);
            c12 = Avx512F.FusedMultiplyAdd(ai, b2, c12);
            ai = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(ai, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(ai, b1, c21);
            c22 = Avx512F.FusedMultiplyAdd(ai, b2, c22);
            ai = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(ai, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(ai, b1, c31);
            c32 = Avx512F.FusedMultiplyAdd(ai, b2, c32);
            ai = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(ai, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(ai, b1, c41);
            c42 = Avx512F.FusedMultiplyAdd(ai, b2, c42);
            ai = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(ai, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(ai, b1, c51);
            c52 = Avx512F.FusedMultiplyAdd(ai, b2, c52);
            ai = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(ai, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(ai, b1, c61);
            c62 = Avx512F.FusedMultiplyAdd(ai, b2, c62);
            ai = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(ai, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(ai, b1, c71);
            c72 = Avx512F.FusedMultiplyAdd(ai, b2, c72);
            a += 8;
            b += 48;
        }

        if (beta == 0)
        {
            Avx512F.Store(c + 0 * ldc + 0, c00);
            Avx512F.Store(c + 0 * ldc + 16, c01);
            Avx512F.Store(c + 0 * ldc + 32, c02);
            Avx512F.Store(c + 1 * ldc + 0, c10);
            Avx512F.Store(c + 1 * ldc + 16, c11);
            Avx512F.Store(c + 1 * ldc + 32, c12);
            Avx512F.Store(c + 2 * ldc + 0, c20);
            Avx512F.Store(c + 2 * ldc + 16, c21);
            Avx512F.Store(c + 2 * ldc + 32, c22);
            Avx512F.Store(c + 3 * ldc + 0, c30);
            Avx512F.Store(c + 3 * ldc + 16, c31);
            Avx512F.Store(c + 3 * ldc + 32, c32);
            Avx512F.Store(c + 4 * ldc + 0, c40);
            Avx512F.Store(c + 4 * ldc + 16, c41);
            Avx512F.Store(c + 4 * ldc + 32, c42);
            Avx512F.Store(c + 5 * ldc + 0, c50);
            Avx512F.Store(c + 5 * ldc + 16, c51);
            Avx512F.Store(c + 5 * ldc + 32, c52);
            Avx512F.Store(c + 6 * ldc + 0, c60);
            Avx512F.Store(c + 6 * ldc + 16, c61);
            Avx512F.Store(c + 6 * ldc + 32, c62);
            Avx512F.Store(c + 7 * ldc + 0, c70);
            Avx512F.Store(c + 7 * ldc + 16, c71);
            Avx512F.Store(c + 7 * ldc + 32, c72);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            float* row;
            row = c + 0 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c00));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c01));
            Avx512F.Store(row + 32, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 32), c02));
            row = c + 1 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c10));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c11));
            Avx512F.Store(row + 32, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 32), c12));
            row = c + 2 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c20));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c21));
            Avx512F.Store(row + 32, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 32), c22));
            row = c + 3 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c30));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c31));
            Avx512F.Store(row + 32, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 32), c32));
            row = c + 4 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c40));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c41));
            Avx512F.Store(row + 32, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 32), c42));
            row = c + 5 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c50));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c51));
            Avx512F.Store(row + 32, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 32), c52));
            row = c + 6 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c60));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c61));
            Avx512F.Store(row + 32, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 32), c62));
            row = c + 7 * ldc;
            Avx512F.Store(row, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row), c70));
            Avx512F.Store(row + 16, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 16), c71));
            Avx512F.Store(row + 32, Avx512F.FusedMultiplyAdd(vb, Avx512F.LoadVector512(row + 32), c72));
        }
    }
}
