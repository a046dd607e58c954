namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// A GEMM operand seen as X[outer, depth]: op(A) with outer = rows of C, or op(B)ᵀ with outer = columns
/// of C. Its only job is packing a block into the micro-panel layout the micro-kernels read, which lets
/// a convolution pack straight from an image (implicit im2col) instead of a materialised matrix.
/// </summary>
internal unsafe interface IGemmOperand
{
    /// <summary>
    /// Packs X[x0..x0+xc, p0..p0+kc) into consecutive micro-panels of width <paramref name="r"/>: panel q
    /// starts at dst + q·kc·r and holds, for each depth step, r values of consecutive outer indices.
    /// Outer indices past xc in the last panel are written as zeros.
    /// </summary>
    void Pack(float* dst, int x0, int xc, int p0, int kc, int r);
}
