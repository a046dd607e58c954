namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// The transposed im2col matrix of one image and group as a GEMM B operand (for the weight gradient
/// dW = dY·colᵀ): outer index = (channel, kernel row, kernel column), depth index = output pixel.
/// Each outer index is one im2col row, written down a micro-panel column.
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
        int maxRuns = PixelRun.MaxRuns(kc, s.OutWidth);
        Span<PixelRun> runs = maxRuns <= 512 ? stackalloc PixelRun[maxRuns] : new PixelRun[maxRuns];
        int runCount = PixelRun.Split(p0, kc, s.OutWidth, runs);
        for (int x = x0; x < x0 + xc; x += r, dst += (long)kc * r)
        {
            int w = Math.Min(r, x0 + xc - x);
            for (int t = 0; t < w; t++)
            {
                int row = x + t, c = row / area;
                ConvTap* tap = _taps + (row - c * area);
                float* channel = _image + (long)c * plane;
                for (int u = 0; u < runCount; u++) FillRun(dst + t, r, channel, tap, runs[u], s);
            }
            for (int t = w; t < r; t++)
            {
                for (int p = 0; p < kc; p++) dst[(long)p * r + t] = 0f;
            }
        }
    }

    private static void FillRun(float* column, int r, float* channel, ConvTap* tap, PixelRun run, in Conv2dShape s)
    {
        float* o = column + (long)(run.Offset - run.X) * r;
        int iy = tap->InputRow(run.Y, s);
        int end = run.X + run.Length;
        int xa = Math.Max(run.X, tap->FirstX), xb = Math.Min(end, tap->EndX);
        if (iy < 0 || xb <= xa)
        {
            for (int x = run.X; x < end; x++) o[(long)x * r] = 0f;
            return;
        }
        for (int x = run.X; x < xa; x++) o[(long)x * r] = 0f;
        float* src = channel + (long)iy * s.InWidth + tap->OffsetX;
        int stride = s.StrideW;
        for (int x = xa; x < xb; x++) o[(long)x * r] = src[x * stride];
        for (int x = xb; x < end; x++) o[(long)x * r] = 0f;
    }
}
