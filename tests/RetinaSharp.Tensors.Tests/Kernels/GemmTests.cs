using RetinaSharp.Tensors.Kernels;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Kernels;

/// <summary>The packed GEMM against a double-precision triple loop, for every micro-kernel.</summary>
[Collection("GemmIsa")]
public sealed class GemmTests
{
    public static TheoryData<GemmIsa, int, int, int, bool, bool> Cases()
    {
        var d = new TheoryData<GemmIsa, int, int, int, bool, bool>();
        var isas = new List<GemmIsa> { GemmIsa.Portable };
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported) isas.Add(GemmIsa.Avx2);
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) isas.Add(GemmIsa.Avx512);
        (int, int, int)[] sizes = [(1, 1, 1), (7, 17, 5), (17, 7, 255), (255, 33, 17), (13, 1000, 7), (1000, 9, 300), (64, 64, 600)];
        foreach (var isa in isas)
            foreach (var (m, n, k) in sizes)
                for (int t = 0; t < 4; t++)
                    d.Add(isa, m, n, k, (t & 1) != 0, (t & 2) != 0);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public unsafe void Matches_naive_reference(GemmIsa isa, int m, int n, int k, bool transA, bool transB)
    {
        var rng = new RandomGenerator((ulong)(m * 31 + n * 7 + k));
        int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2;
        var a = new float[(transA ? k : m) * lda];
        var b = new float[(transB ? n : k) * ldb];
        var c = new float[m * ldc];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.Uniform(-1, 1);
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.Uniform(-1, 1);
        for (int i = 0; i < c.Length; i++) c[i] = (float)rng.Uniform(-1, 1);
        var c0 = (float[])c.Clone();
        const float alpha = 0.75f, beta = -0.5f;
        Gemm.ForcedIsa = isa;
        try
        {
            Gemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        finally
        {
            Gemm.ForcedIsa = null;
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = transA ? a[p * lda + i] : a[i * lda + p];
                    double bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    s += av * bv;
                    mag += Math.Abs(av * bv);
                }
                double expected = alpha * s + beta * c0[i * ldc + j];
                // float32 accumulation of k products: error bounded by ~k·ε·Σ|a·b|.
                double tol = 1e-6 + 4 * 1.2e-7 * Math.Sqrt(k) * mag;
                Assert.True(Math.Abs(c[i * ldc + j] - expected) <= tol, $"C[{i},{j}] = {c[i * ldc + j]}, expected {expected}");
            }
        // Padding columns of C beyond n are untouched.
        for (int i = 0; i < m; i++)
            for (int j = n; j < ldc; j++)
                Assert.Equal(c0[i * ldc + j], c[i * ldc + j]);
    }

    [Fact]
    public void Beta_zero_ignores_nan_in_c()
    {
        var a = new float[40 * 50];
        var b = new float[50 * 60];
        Array.Fill(a, 1f);
        Array.Fill(b, 2f);
        var c = new float[40 * 60];
        Array.Fill(c, float.NaN);
        Gemm.Sgemm(false, false, 40, 60, 50, 1f, a, 50, b, 60, 0f, c, 60);
        Assert.All(c, v => Assert.Equal(100f, v));
    }
}
