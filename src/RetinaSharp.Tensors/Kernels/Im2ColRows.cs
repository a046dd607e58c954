namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// Writes stretches of one im2col row (fixed channel and kernel tap, consecutive output pixels) into
/// contiguous memory, run by run: each output-row run is a zero-filled border plus one (strided) copy
/// from an input row.
/// </summary>
internal static unsafe class Im2ColRows
{
    /// <summary>
    /// Most pixels one stretch should span: 2048 keeps a scratch row in L1 and on the stack, and the
    /// bound on runs (a few hundred) keeps their list on the stack even for very narrow images.
    /// </summary>
    public static int MaxPixels(int outWidth) => Math.Min(2048, 400 * outWidth);

    /// <summary>dst[run.Offset + u] = column (run.X + u) of the row's values on output row run.Y.</summary>
    public static void FillRun(float* dst, float* channel, ConvTap* tap, PixelRun run, in Conv2dShape s)
    {
        float* o = dst + run.Offset;
        int iy = tap->InputRow(run.Y, s);
        int end = run.X + run.Length;
        int xa = Math.Max(run.X, tap->FirstX), xb = Math.Min(end, tap->EndX);
        if (iy < 0 || xb <= xa)
        {
            GemmPacking.ZeroRun(o, run.Length);
            return;
        }
        if (xa > run.X) GemmPacking.ZeroRun(o, xa - run.X);
        float* src = channel + (long)iy * s.InWidth + tap->OffsetX;
        float* at = o - run.X;
        if (s.StrideW == 1)
        {
            GemmPacking.CopyRun(at + xa, src + xa, xb - xa);
        }
        else
        {
            int stride = s.StrideW;
            for (int x = xa; x < xb; x++) at[x] = src[x * stride];
        }
        if (end > xb) GemmPacking.ZeroRun(at + xb, end - xb);
    }

    /// <summary>Fills dst[0 .. total length of runs) with the im2col row of (channel, tap).</summary>
    public static void FillRow(float* dst, float* channel, ConvTap* tap, ReadOnlySpan<PixelRun> runs, in Conv2dShape s)
    {
        for (int u = 0; u < runs.Length; u++) FillRun(dst, channel, tap, runs[u], s);
    }
}
