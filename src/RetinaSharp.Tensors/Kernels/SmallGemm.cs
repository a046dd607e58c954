using System.Numerics;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// Unpacked SGEMM for problems too small (or too thin: a single row or column) for packing to pay off:
/// rows of C are built with vector AXPYs over rows of B, or with dot products when B is transposed.
/// </summary>
internal static unsafe class SmallGemm
{
    public static void Run(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        long aRow = transA ? 1 : lda, aDepth = transA ? lda : 1;
        for (int i = 0; i < m; i++)
        {
            float* crow = c + (long)i * ldc;
            float* arow = a + i * aRow;
            if (!transB)
            {
                if (beta == 0f) new Span<float>(crow, n).Clear();
                else if (beta != 1f) Scale(crow, n, beta);
                for (int p = 0; p < k; p++)
                {
                    float s = alpha * arow[p * aDepth];
                    if (s != 0f) Axpy(crow, b + (long)p * ldb, n, s);
                }
            }
            else
            {
                for (int j = 0; j < n; j++)
                {
                    float* brow = b + (long)j * ldb;
                    float dot = aDepth == 1 ? Dot(arow, brow, k) : StridedDot(arow, aDepth, brow, k);
                    crow[j] = beta == 0f ? alpha * dot : alpha * dot + beta * crow[j];
                }
            }
        }
    }

    private static void Scale(float* x, int n, float s)
    {
        int j = 0;
        var vs = new Vector<float>(s);
        for (; j + Vector<float>.Count <= n; j += Vector<float>.Count) Vector.Store(Vector.Load(x + j) * vs, x + j);
        for (; j < n; j++) x[j] *= s;
    }

    private static void Axpy(float* y, float* x, int n, float s)
    {
        int j = 0;
        var vs = new Vector<float>(s);
        for (; j + Vector<float>.Count <= n; j += Vector<float>.Count)
            Vector.Store(Vector.MultiplyAddEstimate(vs, Vector.Load(x + j), Vector.Load(y + j)), y + j);
        for (; j < n; j++) y[j] += s * x[j];
    }

    private static float Dot(float* x, float* y, int n)
    {
        int j = 0;
        var acc = Vector<float>.Zero;
        for (; j + Vector<float>.Count <= n; j += Vector<float>.Count)
            acc = Vector.MultiplyAddEstimate(Vector.Load(x + j), Vector.Load(y + j), acc);
        float sum = Vector.Sum(acc);
        for (; j < n; j++) sum += x[j] * y[j];
        return sum;
    }

    private static float StridedDot(float* x, long stride, float* y, int n)
    {
        float sum = 0f;
        for (int j = 0; j < n; j++) sum += x[j * stride] * y[j];
        return sum;
    }
}
