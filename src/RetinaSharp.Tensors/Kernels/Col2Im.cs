using System.Runtime.Intrinsics;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// Scatter-adds a chunk of the column-gradient matrix (rows = channel·taps, columns = output pixels
/// [start, start+count)) back onto the input gradient of one image and group. Parallel over channels,
/// which own disjoint input planes, so no two threads add to the same element.
/// </summary>
internal unsafe struct Col2Im : IParallelRange
{
    public float* Columns;
    public float* GradInput;
    public ConvTap* Taps;
    public Conv2dShape Shape;
    public int PixelStart;
    public int PixelCount;

    public readonly void Execute(int channelStart, int channelEnd)
    {
        int stretch = Im2ColRows.MaxPixels(Shape.OutWidth);
        Span<PixelRun> runs = stackalloc PixelRun[PixelRun.MaxRuns(stretch, Shape.OutWidth)];
        for (int q0 = 0; q0 < PixelCount; q0 += stretch)
        {
            int runCount = PixelRun.Split(PixelStart + q0, Math.Min(stretch, PixelCount - q0), Shape.OutWidth, runs);
            for (int c = channelStart; c < channelEnd; c++) Scatter(c, runs[..runCount], q0);
        }
    }

    /// <summary>Adds the rows of channel c, pixels [q0, q0 + runs), onto its input-gradient plane.</summary>
    private readonly void Scatter(int c, ReadOnlySpan<PixelRun> runs, int q0)
    {
        Conv2dShape s = Shape;
        int area = s.KernelH * s.KernelW;
        float* channel = GradInput + (long)c * s.InHeight * s.InWidth;
        for (int t = 0; t < area; t++)
        {
            float* row = Columns + (long)(c * area + t) * PixelCount + q0;
            ConvTap* tap = Taps + t;
            foreach (PixelRun run in runs)
            {
                int iy = tap->InputRow(run.Y, s);
                int xa = Math.Max(run.X, tap->FirstX), xb = Math.Min(run.X + run.Length, tap->EndX);
                if (iy < 0 || xb <= xa) continue;
                float* dst = channel + (long)iy * s.InWidth + tap->OffsetX;
                float* src = row + run.Offset - run.X;
                if (s.StrideW == 1)
                {
                    AddRun(dst + xa, src + xa, xb - xa);
                }
                else
                {
                    int stride = s.StrideW;
                    for (int x = xa; x < xb; x++) dst[x * stride] += src[x];
                }
            }
        }
    }

    private static void AddRun(float* d, float* s, int n)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8) Vector256.Store(Vector256.Load(d + i) + Vector256.Load(s + i), d + i);
        for (; i < n; i++) d[i] += s[i];
    }
}
