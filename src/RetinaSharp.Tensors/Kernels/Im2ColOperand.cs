namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// The im2col matrix of one image and group as a GEMM B operand, packed straight from the image: outer
/// index = output pixel, depth index = (channel, kernel row, kernel column). No column matrix is ever
/// materialised: each depth step is built as one contiguous stretch of an im2col row (long runs of
/// input-row copies) and then dealt out to the micro-panels with vector copies.
/// </summary>
internal readonly unsafe struct Im2ColOperand : IGemmOperand
{
    private readonly float* _image;
    private readonly ConvTap* _taps;
    private readonly Conv2dShape _shape;

    /// <param name="image">The first input channel of the group in one image.</param>
    /// <param name="taps">The KH·KW taps of the shape, row-major.</param>
    public Im2ColOperand(float* image, ConvTap* taps, in Conv2dShape shape)
    {
        _image = image;
        _taps = taps;
        _shape = shape;
    }

    public void Pack(float* dst, int x0, int xc, int p0, int kc, int r)
    {
        Conv2dShape s = _shape;
        int area = s.KernelH * s.KernelW, plane = s.InHeight * s.InWidth;
        // Whole micro-panels per stretch, so the stretches start on panel boundaries.
        int stretch = Math.Max(r, Im2ColRows.MaxPixels(s.OutWidth) / r * r);
        float* row = stackalloc float[stretch];
        Span<PixelRun> runs = stackalloc PixelRun[PixelRun.MaxRuns(stretch, s.OutWidth)];
        long panelSize = (long)kc * r;
        for (int q0 = 0; q0 < xc; q0 += stretch)
        {
            int count = Math.Min(stretch, xc - q0);
            int runCount = PixelRun.Split(x0 + q0, count, s.OutWidth, runs);
            ReadOnlySpan<PixelRun> used = runs[..runCount];
            int full = count / r, tail = count - full * r;
            float* panels = dst + q0 / r * panelSize;
            int c = p0 / area, t = p0 % area;
            for (int p = 0; p < kc; p++)
            {
                Im2ColRows.FillRow(row, _image + (long)c * plane, _taps + t, used, s);
                float* d = panels + (long)p * r;
                for (int q = 0; q < full; q++) GemmPacking.CopyRun(d + q * panelSize, row + q * r, r);
                if (tail > 0)
                {
                    float* dt = d + full * panelSize;
                    GemmPacking.CopyRun(dt, row + full * r, tail);
                    GemmPacking.ZeroRun(dt + tail, r - tail);
                }
                if (++t == area)
                {
                    t = 0;
                    c++;
                }
            }
        }
    }
}
