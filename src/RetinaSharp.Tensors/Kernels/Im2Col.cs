namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// Unfolds input patches into a matrix so a convolution becomes a GEMM, and folds gradients back.
/// The column matrix for channels [c0, c0 + cg) and output rows [oy0, oy1) has one row per
/// (channel, ky, kx) and one column per output pixel of those rows.
/// </summary>
internal static unsafe class Im2Col
{
    public static void Unfold(in Conv2dShape s, float* image, int c0, int cg, int oy0, int oy1, float* col)
    {
        int ow = s.OutWidth, cols = (oy1 - oy0) * ow;
        int kh = s.KernelH, kw = s.KernelW;
        var shape = s;
        int rows = cg * kh * kw;
        int threads = rows * cols >= 1 << 16 ? KernelThreads.Available : 1;
        KernelThreads.Run(threads, t =>
        {
            int r0 = rows * t / threads, r1 = rows * (t + 1) / threads;
            for (int r = r0; r < r1; r++)
            {
                int c = r / (kh * kw), ki = r / kw % kh, kj = r % kw;
                float* plane = image + (long)(c0 + c) * shape.InHeight * shape.InWidth;
                float* dst = col + (long)r * cols;
                for (int oy = oy0; oy < oy1; oy++, dst += ow)
                {
                    int iy = oy * shape.StrideH - shape.PadH + ki * shape.DilationH;
                    if ((uint)iy >= (uint)shape.InHeight) { new Span<float>(dst, ow).Clear(); continue; }
                    float* src = plane + (long)iy * shape.InWidth;
                    int xoff = kj * shape.DilationW - shape.PadW;
                    if (shape.StrideW == 1)
                    {
                        // Valid output columns: 0 ≤ ox + xoff < W.
                        int lo = Math.Clamp(-xoff, 0, ow), hi = Math.Clamp(shape.InWidth - xoff, lo, ow);
                        for (int ox = 0; ox < lo; ox++) dst[ox] = 0;
                        new ReadOnlySpan<float>(src + lo + xoff, hi - lo).CopyTo(new Span<float>(dst + lo, hi - lo));
                        for (int ox = hi; ox < ow; ox++) dst[ox] = 0;
                    }
                    else
                    {
                        for (int ox = 0; ox < ow; ox++)
                        {
                            int ix = ox * shape.StrideW + xoff;
                            dst[ox] = (uint)ix < (uint)shape.InWidth ? src[ix] : 0;
                        }
                    }
                }
            }
        });
    }

    /// <summary>Adds the column-matrix gradient back into the image gradient (the adjoint of <see cref="Unfold"/>).</summary>
    public static void Fold(in Conv2dShape s, float* col, int c0, int cg, int oy0, int oy1, float* image)
    {
        int ow = s.OutWidth, cols = (oy1 - oy0) * ow;
        int kh = s.KernelH, kw = s.KernelW;
        var shape = s;
        // Parallel over channels: different channels never write the same pixel.
        int threads = cg * kh * kw * cols >= 1 << 16 ? Math.Min(KernelThreads.Available, cg) : 1;
        KernelThreads.Run(threads, t =>
        {
            int ca = cg * t / threads, cb = cg * (t + 1) / threads;
            for (int c = ca; c < cb; c++)
            {
                float* plane = image + (long)(c0 + c) * shape.InHeight * shape.InWidth;
                for (int ki = 0; ki < kh; ki++)
                    for (int kj = 0; kj < kw; kj++)
                    {
                        float* src = col + (long)((c * kh + ki) * kw + kj) * cols;
                        for (int oy = oy0; oy < oy1; oy++, src += ow)
                        {
                            int iy = oy * shape.StrideH - shape.PadH + ki * shape.DilationH;
                            if ((uint)iy >= (uint)shape.InHeight) continue;
                            float* dst = plane + (long)iy * shape.InWidth;
                            int xoff = kj * shape.DilationW - shape.PadW;
                            if (shape.StrideW == 1)
                            {
                                int lo = Math.Clamp(-xoff, 0, ow), hi = Math.Clamp(shape.InWidth - xoff, lo, ow);
                                var d = new Span<float>(dst + lo + xoff, hi - lo);
                                System.Numerics.Tensors.TensorPrimitives.Add(d, new ReadOnlySpan<float>(src + lo, hi - lo), d);
                            }
                            else
                            {
                                for (int ox = 0; ox < ow; ox++)
                                {
                                    int ix = ox * shape.StrideW + xoff;
                                    if ((uint)ix < (uint)shape.InWidth) dst[ix] += src[ox];
                                }
                            }
                        }
                    }
            }
        });
    }
}
