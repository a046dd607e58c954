namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// The im2col matrix of one image and group as a GEMM B operand, packed straight from the image: outer
/// index = output pixel, depth index = (channel, kernel row, kernel column). No column matrix is ever
/// materialised; each depth step of a micro-panel is filled run by run from input rows.
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
        int area = s.KernelH * s.KernelW, plane = s.InHeight * s.InWidth, ow = s.OutWidth;
        Span<PixelRun> runs = stackalloc PixelRun[PixelRun.MaxRuns(r, ow)];
        for (int q0 = x0; q0 < x0 + xc; q0 += r, dst += (long)kc * r)
        {
            int w = Math.Min(r, x0 + xc - q0);
            int runCount = PixelRun.Split(q0, w, ow, runs);
            int c = p0 / area, t = p0 % area;
            for (int p = 0; p < kc; p++)
            {
                float* d = dst + (long)p * r;
                ConvTap* tap = _taps + t;
                float* channel = _image + (long)c * plane;
                for (int u = 0; u < runCount; u++)
                {
                    PixelRun run = runs[u];
                    FillRun(d + run.Offset, channel, tap, run, s);
                }
                if (w < r) GemmPacking.ZeroRun(d + w, r - w);
                if (++t == area)
                {
                    t = 0;
                    c++;
                }
            }
        }
    }

    private static void FillRun(float* o, float* channel, ConvTap* tap, PixelRun run, in Conv2dShape s)
    {
        int iy = tap->InputRow(run.Y, s);
        int xa = Math.Max(run.X, tap->FirstX), xb = Math.Min(run.X + run.Length, tap->EndX);
        if (iy < 0 || xb <= xa)
        {
            GemmPacking.ZeroRun(o, run.Length);
            return;
        }
        if (xa > run.X) GemmPacking.ZeroRun(o, xa - run.X);
        float* src = channel + (long)iy * s.InWidth + tap->OffsetX;
        float* dst = o - run.X;
        if (s.StrideW == 1)
        {
            GemmPacking.CopyRun(dst + xa, src + xa, xb - xa);
        }
        else
        {
            int stride = s.StrideW;
            for (int x = xa; x < xb; x++) dst[x] = src[x * stride];
        }
        int end = run.X + run.Length;
        if (end > xb) GemmPacking.ZeroRun(dst + xb, end - xb);
    }
}
