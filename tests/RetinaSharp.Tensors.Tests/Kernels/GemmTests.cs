using RetinaSharp.Tensors.Kernels;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Kernels;

public sealed unsafe class GemmTests
{
    public static TheoryData<GemmIsa> SupportedIsas()
    {
        var data = new TheoryData<GemmIsa>();
        foreach (GemmIsa isa in Enum.GetValues<GemmIsa>())
            if (Gemm.IsSupported(isa)) data.Add(isa);
        return data;
    }

    // (m, n, k): degenerate vectors, sizes around the small-problem cut-off, edge tiles in every
    // dimension, k past one depth block (KC ≤ 384), m past one row block (MC ≤ 168) and n past one
    // column panel (NC ≤ 2048).
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (7, 7, 7), (1, 17, 255), (17, 1, 255), (7, 17, 1), (17, 7, 255),
        (33, 65, 129), (255, 17, 7), (17, 255, 1000), (255, 33, 300), (15, 4100, 20),
    ];

    [Theory]
    [MemberData(nameof(SupportedIsas))]
    public void AllTransposesMatchDoublePrecisionReference(GemmIsa isa)
    {
        var random = new RandomGenerator(42);
        foreach (var (m, n, k) in Shapes)
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        {
            Check(isa, random, transA, transB, m, n, k, alpha: 1f, beta: 0f, pad: 0);
        }
    }

    [Theory]
    [MemberData(nameof(SupportedIsas))]
    public void AlphaBetaAndLeadingDimensionsMatchReference(GemmIsa isa)
    {
        var random = new RandomGenerator(7);
        foreach (var (m, n, k) in new[] { (7, 17, 17), (17, 255, 33), (100, 70, 300) })
        foreach (bool transA in new[] { false, true })
        foreach (bool transB in new[] { false, true })
        {
            Check(isa, random, transA, transB, m, n, k, alpha: -0.75f, beta: 0.5f, pad: 3);
            Check(isa, random, transA, transB, m, n, k, alpha: 2f, beta: 1f, pad: 5);
            Check(isa, random, transA, transB, m, n, k, alpha: 1.5f, beta: 0f, pad: 1);
        }
    }

    [Theory]
    [MemberData(nameof(SupportedIsas))]
    public void SingleThreadAndManyThreadsAgree(GemmIsa isa)
    {
        var random = new RandomGenerator(11);
        int saved = KernelThreads.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 3 })
            {
                KernelThreads.MaxThreads = threads;
                Check(isa, random, false, true, 130, 200, 70, alpha: 1f, beta: 0f, pad: 0);
                Check(isa, random, true, false, 300, 40, 90, alpha: 1f, beta: 0.25f, pad: 2);
            }
        }
        finally
        {
            KernelThreads.MaxThreads = saved;
        }
    }

    [Fact]
    public void ZeroDepthScalesCAndZeroBetaClearsNaN()
    {
        var c = new float[] { 1f, 2f, float.NaN, 4f };
        Gemm.Sgemm(false, false, 2, 2, 0, 1f, ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, 2, 0f, c, 2);
        Assert.Equal(new float[] { 0f, 0f, 0f, 0f }, c);

        c = [1f, 2f, 3f, 4f];
        Gemm.Sgemm(false, false, 2, 2, 0, 1f, ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, 2, 3f, c, 2);
        Assert.Equal(new float[] { 3f, 6f, 9f, 12f }, c);
    }

    [Fact]
    public void HandComputedProduct()
    {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = [1, 2, 3, 4, 5, 6], b = [7, 8, 9, 10, 11, 12];
        var c = new float[] { 1, 1, 1, 1 };
        Gemm.Sgemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 2f, c, 2);
        Assert.Equal(new float[] { 60, 66, 141, 156 }, c);
    }

    [Fact]
    public void SpanOverloadRejectsTooShortBuffers()
    {
        var a = new float[6];
        var b = new float[6];
        var c = new float[3];
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
    }

    /// <summary>
    /// Runs one product with the given path and compares against double-precision loops. The operands
    /// are stored with <paramref name="pad"/> extra columns of NaN, and C starts as NaN when beta is 0,
    /// so reading anything outside the logical matrices shows up as a NaN in the result.
    /// </summary>
    private static void Check(GemmIsa isa, RandomGenerator random, bool transA, bool transB, int m, int n, int k,
        float alpha, float beta, int pad)
    {
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        float[] a = Fill(random, aRows, aCols, lda), b = Fill(random, bRows, bCols, ldb), c = Fill(random, m, n, ldc);
        if (beta == 0f) Array.Fill(c, float.NaN);
        float[] c0 = (float[])c.Clone();

        GemmIsa? saved = Gemm.ForcedIsa;
        Gemm.ForcedIsa = isa;
        try
        {
            Gemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        finally
        {
            Gemm.ForcedIsa = saved;
        }

        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = 0, magnitude = 0;
            for (int p = 0; p < k; p++)
            {
                double term = (double)(transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                sum += term;
                magnitude += Math.Abs(term);
            }
            double expected = alpha * sum + (beta == 0f ? 0 : beta * (double)c0[i * ldc + j]);
            magnitude = Math.Abs(alpha) * magnitude + (beta == 0f ? 0 : Math.Abs(beta * (double)c0[i * ldc + j]));
            // Float accumulation of k random-sign terms drifts like sqrt(k) roundings of the running
            // magnitude; 4·sqrt(k)+4 units of 2^-24 bounds it with margin, while a single missing or
            // doubled term (about magnitude/k) is far outside.
            double tolerance = (4 * Math.Sqrt(k) + 4) * 6e-8 * magnitude + 1e-30;
            double actual = c[i * ldc + j];
            Assert.True(Math.Abs(actual - expected) <= tolerance,
                $"{isa} {(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')} m={m} n={n} k={k} alpha={alpha} beta={beta}: " +
                $"C[{i},{j}] = {actual}, expected {expected} ± {tolerance}");
        }

        // Padding columns of C are outside the matrix and must be left untouched.
        for (int i = 0; i < m; i++)
        for (int j = n; j < ldc; j++)
            Assert.Equal(BitConverter.SingleToInt32Bits(c0[i * ldc + j]), BitConverter.SingleToInt32Bits(c[i * ldc + j]));
    }

    private static float[] Fill(RandomGenerator random, int rows, int cols, int ld)
    {
        var data = new float[rows * ld];
        Array.Fill(data, float.NaN);
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            data[i * ld + j] = 2f * random.NextSingle() - 1f;
        return data;
    }
}
