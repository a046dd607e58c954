using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// Single-precision matrix multiply on row-major matrices: a Goto/BLIS-style packed GEMM. B is
/// packed into KC×NR column panels and A into MR×KC row panels (64-byte aligned, zero-padded at
/// the edges), and a register-tiled micro-kernel for AVX-512, AVX2+FMA or portable vectors
/// computes each MR×NR tile. Blocks are sized for L1 (a B panel), L2 (the packed A block) and L3
/// (the packed B block). Threads split the larger of M and N.
/// </summary>
public static unsafe class Gemm
{
    private const int Kc = 256;
    private const int Mc = 192;
    private const int Nc = 3072;

    /// <summary>Forces a micro-kernel (for tests); null chooses the best the CPU supports.</summary>
    internal static GemmIsa? ForcedIsa { get; set; }

    public static GemmIsa BestIsa =>
        Avx512F.IsSupported ? GemmIsa.Avx512 : Fma.IsSupported && Avx2.IsSupported ? GemmIsa.Avx2 : GemmIsa.Portable;

    [ThreadStatic] private static float* _packA;
    [ThreadStatic] private static float* _packB;
    [ThreadStatic] private static float* _tile;

    /// <summary>
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, all row-major. op(A) is m×k (A is k×m when
    /// transA), op(B) is k×n (B is n×k when transB). When beta is 0, C is not read (NaNs in it do
    /// not propagate).
    /// </summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (m <= 0 || n <= 0) return;
        ScaleC(m, n, beta, c, ldc);
        if (k <= 0 || alpha == 0) return;
        if ((long)m * n * k <= 4096)
        {
            SmallGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc);
            return;
        }
        var isa = ForcedIsa ?? BestIsa;
        int threads = Math.Min(KernelThreads.Available, Math.Max(1, (int)((long)m * n * k / (1L << 21))));
        bool splitN = n >= m;
        int extent = splitN ? n : m;
        int unit = splitN ? 64 : 24;
        threads = Math.Min(threads, Math.Max(1, extent / unit));
        var job = new Job(transA, transB, k, alpha, a, lda, b, ldb, c, ldc, isa);
        if (threads == 1)
        {
            job.Run(0, m, 0, n);
            return;
        }
        KernelThreads.Run(threads, t =>
        {
            int lo = (int)((long)extent * t / threads), hi = (int)((long)extent * (t + 1) / threads);
            lo = lo / unit * unit;
            hi = t == threads - 1 ? extent : hi / unit * unit;
            if (lo >= hi) return;
            if (splitN) job.Run(0, m, lo, hi);
            else job.Run(lo, hi, 0, n);
        });
    }

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            Sgemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        if (beta == 1) return;
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0) row.Clear();
            else System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    private static void SmallGemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (transA ? a[(long)p * lda + i] : a[(long)i * lda + p]) * (transB ? b[(long)j * ldb + p] : b[(long)p * ldb + j]);
                c[(long)i * ldc + j] += alpha * sum;
            }
    }

    private readonly struct Job(bool transA, bool transB, int k, float alpha,
        float* a, int lda, float* b, int ldb, float* c, int ldc, GemmIsa isa)
    {
        public void Run(int m0, int m1, int n0, int n1)
        {
            int mr, nr;
            switch (isa)
            {
                case GemmIsa.Avx512: mr = GemmMicroKernels.Avx512Mr; nr = GemmMicroKernels.Avx512Nr; break;
                case GemmIsa.Avx2: mr = GemmMicroKernels.Avx2Mr; nr = GemmMicroKernels.Avx2Nr; break;
                default: mr = GemmMicroKernels.PortableMr; nr = GemmMicroKernels.PortableNr; break;
            }
            EnsureBuffers(mr, nr);
            float* packA = _packA, packB = _packB, tile = _tile;
            for (int jc = n0; jc < n1; jc += Nc)
            {
                int nc = Math.Min(Nc, n1 - jc);
                for (int pc = 0; pc < k; pc += Kc)
                {
                    int kc = Math.Min(Kc, k - pc);
                    PackB(pc, kc, jc, nc, nr, packB);
                    for (int ic = m0; ic < m1; ic += Mc)
                    {
                        int mc = Math.Min(Mc, m1 - ic);
                        PackA(ic, mc, pc, kc, mr, packA);
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int nn = Math.Min(nr, nc - jr);
                            float* bp = packB + (long)jr * kc;
                            for (int ir = 0; ir < mc; ir += mr)
                            {
                                int mm = Math.Min(mr, mc - ir);
                                float* ap = packA + (long)ir * kc;
                                float* cp = c + (long)(ic + ir) * ldc + jc + jr;
                                if (mm == mr && nn == nr) Kernel(kc, ap, bp, cp, ldc);
                                else
                                {
                                    new Span<float>(tile, mr * nr).Clear();
                                    Kernel(kc, ap, bp, tile, nr);
                                    for (int i = 0; i < mm; i++)
                                        for (int j = 0; j < nn; j++)
                                            cp[(long)i * ldc + j] += tile[i * nr + j];
                                }
                            }
                        }
                    }
                }
            }
        }

        private void Kernel(int kc, float* ap, float* bp, float* cp, int ldcTile)
        {
            switch (isa)
            {
                case GemmIsa.Avx512: GemmMicroKernels.Avx512(kc, ap, bp, cp, ldcTile); break;
                case GemmIsa.Avx2: GemmMicroKernels.Avx2(kc, ap, bp, cp, ldcTile); break;
                default: GemmMicroKernels.Portable(kc, ap, bp, cp, ldcTile); break;
            }
        }

        /// <summary>Packs alpha · op(A)[ic..ic+mc, pc..pc+kc] into MR-row panels, k-major within a panel.</summary>
        private void PackA(int ic, int mc, int pc, int kc, int mr, float* dst)
        {
            for (int ir = 0; ir < mc; ir += mr)
            {
                int mm = Math.Min(mr, mc - ir);
                float* panel = dst + (long)ir * kc;
                if (!transA)
                {
                    for (int i = 0; i < mr; i++)
                    {
                        if (i >= mm) { for (int p = 0; p < kc; p++) panel[p * mr + i] = 0; continue; }
                        float* src = a + (long)(ic + ir + i) * lda + pc;
                        for (int p = 0; p < kc; p++) panel[p * mr + i] = alpha * src[p];
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* src = a + (long)(pc + p) * lda + ic + ir;
                        float* d = panel + p * mr;
                        int i = 0;
                        for (; i < mm; i++) d[i] = alpha * src[i];
                        for (; i < mr; i++) d[i] = 0;
                    }
                }
            }
        }

        /// <summary>Packs op(B)[pc..pc+kc, jc..jc+nc] into NR-column panels, k-major within a panel.</summary>
        private void PackB(int pc, int kc, int jc, int nc, int nr, float* dst)
        {
            for (int jr = 0; jr < nc; jr += nr)
            {
                int nn = Math.Min(nr, nc - jr);
                float* panel = dst + (long)jr * kc;
                if (!transB)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* src = b + (long)(pc + p) * ldb + jc + jr;
                        float* d = panel + p * nr;
                        if (nn == nr) new ReadOnlySpan<float>(src, nr).CopyTo(new Span<float>(d, nr));
                        else
                        {
                            int j = 0;
                            for (; j < nn; j++) d[j] = src[j];
                            for (; j < nr; j++) d[j] = 0;
                        }
                    }
                }
                else
                {
                    for (int j = 0; j < nr; j++)
                    {
                        if (j >= nn) { for (int p = 0; p < kc; p++) panel[p * nr + j] = 0; continue; }
                        float* src = b + (long)(jc + jr + j) * ldb + pc;
                        for (int p = 0; p < kc; p++) panel[p * nr + j] = src[p];
                    }
                }
            }
        }
    }

    private static void EnsureBuffers(int mr, int nr)
    {
        if (_packA != null) return;
        // Sized for the largest tile shape so a forced ISA change needs no reallocation.
        _packA = (float*)NativeMemory.AlignedAlloc((nuint)((Mc + 32) * Kc * sizeof(float)), 64);
        _packB = (float*)NativeMemory.AlignedAlloc((nuint)((Nc + 64) * Kc * sizeof(float)), 64);
        _tile = (float*)NativeMemory.AlignedAlloc((nuint)(32 * 64 * sizeof(float)), 64);
    }
}
