namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// A dense operand X[x, p] = Scale · Data[x·StrideX + p·StrideP]. Row-major matrices, transposed or
/// not, are the cases StrideX = 1 (copy rows of the depth dimension) and StrideP = 1 (transpose while
/// packing); any other stride pair falls back to element gathers.
/// </summary>
internal readonly unsafe struct StridedOperand : IGemmOperand
{
    public readonly float* Data;
    public readonly long StrideX;
    public readonly long StrideP;
    public readonly float Scale;

    public StridedOperand(float* data, long strideX, long strideP, float scale = 1f)
    {
        Data = data;
        StrideX = strideX;
        StrideP = strideP;
        Scale = scale;
    }

    /// <summary>op(A) of a row-major A (m×k, or k×m when transposed) with leading dimension lda.</summary>
    public static StridedOperand ForA(float* a, bool transA, int lda, float scale = 1f) =>
        transA ? new StridedOperand(a, 1, lda, scale) : new StridedOperand(a, lda, 1, scale);

    /// <summary>op(B)ᵀ of a row-major B (k×n, or n×k when transposed) with leading dimension ldb.</summary>
    public static StridedOperand ForB(float* b, bool transB, int ldb, float scale = 1f) =>
        transB ? new StridedOperand(b, ldb, 1, scale) : new StridedOperand(b, 1, ldb, scale);

    public void Pack(float* dst, int x0, int xc, int p0, int kc, int r)
    {
        float* src = Data + x0 * StrideX + p0 * StrideP;
        if (StrideX == 1) GemmPacking.PackRows(dst, src, StrideP, xc, kc, r, Scale);
        else if (StrideP == 1) GemmPacking.PackColumns(dst, src, StrideX, xc, kc, r, Scale);
        else GemmPacking.PackGather(dst, src, StrideX, StrideP, xc, kc, r, Scale);
    }
}
