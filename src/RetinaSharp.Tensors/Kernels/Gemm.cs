using System.Runtime.Intrinsics.X86;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>Single-precision matrix multiply on row-major matrices.</summary>
public static unsafe class Gemm
{
    /// <summary>Below this many multiply-adds packing costs more than it saves.</summary>
    private const long SmallProblem = 32 * 32 * 32;

    [ThreadStatic] private static GemmIsa? t_forcedIsa;

    /// <summary>The micro-kernel path the current thread uses: the best the hardware supports unless forced.</summary>
    public static GemmIsa Isa => t_forcedIsa ?? BestIsa;

    /// <summary>The widest path the hardware supports.</summary>
    public static GemmIsa BestIsa { get; } =
        Avx512F.IsSupported ? GemmIsa.Avx512 : Fma.IsSupported && Avx2.IsSupported ? GemmIsa.Avx2 : GemmIsa.Portable;

    /// <summary>
    /// Forces the micro-kernel path for calls made from the current thread (null restores the default),
    /// so every path can be tested on one machine.
    /// </summary>
    internal static GemmIsa? ForcedIsa
    {
        get => t_forcedIsa;
        set
        {
            if (value is GemmIsa isa && !IsSupported(isa))
                throw new PlatformNotSupportedException($"{isa} is not supported on this processor.");
            t_forcedIsa = value;
        }
    }

    /// <summary>Whether the hardware can run the given path.</summary>
    public static bool IsSupported(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => Avx512F.IsSupported,
        GemmIsa.Avx2 => Fma.IsSupported && Avx2.IsSupported,
        _ => true,
    };

    /// <summary>
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, all row-major. op(A) is m×k (A is k×m when
    /// transA), op(B) is k×n (B is n×k when transB). When beta is 0, C is not read (NaNs in it do
    /// not propagate).
    /// </summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            ScaleRows(m, n, beta, c, ldc);
            return;
        }
        if ((long)m * n * k <= SmallProblem || m == 1 || n == 1)
        {
            SmallGemm.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        var opA = new PackOnDemand<StridedOperand>(StridedOperand.ForA(a, transA, lda, alpha));
        var opB = StridedOperand.ForB(b, transB, ldb);
        Run(Isa, m, n, k, opA, opB, beta, c, ldc, KernelThreads.MaxThreads);
    }

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (m > 0 && n > 0)
        {
            CheckSpan(a.Length, transA ? k : m, transA ? m : k, lda, nameof(a));
            CheckSpan(b.Length, transB ? n : k, transB ? k : n, ldb, nameof(b));
            CheckSpan(c.Length, m, n, ldc, nameof(c));
        }
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            Sgemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    /// <summary>Runs the blocked driver of the given path on packer-supplied operands.</summary>
    internal static void Run<TA, TB>(GemmIsa isa, int m, int n, int k, in TA a, in TB b, float beta, float* c, nint ldc, int threads)
        where TA : unmanaged, IGemmASource
        where TB : unmanaged, IGemmOperand
    {
        switch (isa)
        {
            case GemmIsa.Avx512:
                GemmDriver<Avx512MicroKernel>.Run(m, n, k, a, b, beta, c, ldc, threads);
                break;
            case GemmIsa.Avx2:
                GemmDriver<Avx2MicroKernel>.Run(m, n, k, a, b, beta, c, ldc, threads);
                break;
            default:
                GemmDriver<PortableMicroKernel>.Run(m, n, k, a, b, beta, c, ldc, threads);
                break;
        }
    }

    /// <summary>The register tile and depth blocking of a path, for packing A in advance and sizing column chunks.</summary>
    internal static (int Mr, int Nr, int Kc) Blocking(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => (Avx512MicroKernel.MR, Avx512MicroKernel.NR, Avx512MicroKernel.KC),
        GemmIsa.Avx2 => (Avx2MicroKernel.MR, Avx2MicroKernel.NR, Avx2MicroKernel.KC),
        _ => (PortableMicroKernel.MR, PortableMicroKernel.NR, PortableMicroKernel.KC),
    };

    private static void CheckSpan(int length, int rows, int cols, int ld, string name)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols || (long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"Matrix {name} ({rows}×{cols}, leading dimension {ld}) does not fit in {length} elements.", name);
    }

    private static void ScaleRows(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            float* row = c + (long)i * ldc;
            if (beta == 0f) new Span<float>(row, n).Clear();
            else if (beta != 1f) for (int j = 0; j < n; j++) row[j] *= beta;
        }
    }
}
