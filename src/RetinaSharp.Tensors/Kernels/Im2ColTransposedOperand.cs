namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// The transposed im2col matrix of one image and group as a GEMM B operand (for the weight gradient
/// dW = dY·colᵀ): outer index = (channel, kernel row, kernel column), depth index = output pixel.
/// The r im2col rows of a micro-panel are built contiguously in a small tile and then transposed into
/// the panel with the same register transposes as dense packing.
/// </summary>
internal readonly unsafe struct Im2ColTransposedOperand : IGemmOperand
{
    private readonly float* _image;
    private readonly ConvTap* _taps;
    private readonly Conv2dShape _shape;

    public Im2ColTransposedOperand(float* image, ConvTap* taps, in Conv2dShape shape)
    {
        _image = image;
        _taps = taps;
        _shape = shape;
    }

    public void Pack(float* dst, int x0, int xc, int p0, int kc, int r)
    {
        Conv2dShape s = _shape;
        int area = s.KernelH * s.KernelW, plane = s.InHeight * s.InWidth;
        // A tile holds the r rows of one panel over a depth slice of at most MaxPixels / r steps.
        int slice = Math.Max(8, Im2ColRows.MaxPixels(s.OutWidth) / r / 8 * 8);
        float* tile = stackalloc float[r * slice];
        Span<PixelRun> runs = stackalloc PixelRun[PixelRun.MaxRuns(slice, s.OutWidth)];
        for (int ps = 0; ps < kc; ps += slice)
        {
            int depth = Math.Min(slice, kc - ps);
            int runCount = PixelRun.Split(p0 + ps, depth, s.OutWidth, runs);
            ReadOnlySpan<PixelRun> used = runs[..runCount];
            float* panel = dst + (long)ps * r;
            for (int x = 0; x < xc; x += r, panel += (long)kc * r)
            {
                int w = Math.Min(r, xc - x);
                for (int t = 0; t < w; t++)
                {
                    int index = x0 + x + t, c = index / area;
                    Im2ColRows.FillRow(tile + t * depth, _image + (long)c * plane, _taps + (index - c * area), used, s);
                }
                // Rows of the tile are depth-contiguous: exactly the transposing case of dense packing,
                // writing depth steps ps.. of this panel (its rows are r floats apart, kc·r per panel).
                GemmPacking.PackColumns(panel, tile, depth, w, depth, r, 1f);
            }
        }
    }
}
