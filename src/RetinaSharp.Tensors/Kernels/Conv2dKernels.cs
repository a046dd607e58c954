using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// 2-D convolution on raw NCHW buffers as GEMMs: forward Y_g = W_g · col(X), input gradient
/// col(dX) = W_gᵀ · dY_g folded back, weight gradient dW_g += dY_g · col(X)ᵀ. The column matrix is
/// built for a band of output rows at a time so its size stays bounded; 1×1 stride-1 convolutions
/// use the input directly. When one image's GEMMs are too small to split well across threads,
/// images are processed in parallel instead (each thread with its own buffers). Every entry point
/// overwrites its output.
/// </summary>
public static unsafe class Conv2dKernels
{
    /// <summary>Upper bound on the column buffer, in floats (64 MB).</summary>
    internal static long MaxColumnFloats { get; set; } = 16L << 20;

    /// <summary>Below this many multiply-adds per image, a batch is split across threads by image.</summary>
    private const long PerImageParallelMacs = 1L << 25;

    private static bool IsPointwise(in Conv2dShape s) =>
        s.KernelH == 1 && s.KernelW == 1 && s.StrideH == 1 && s.StrideW == 1 && s.PadH == 0 && s.PadW == 0;

    private static int BandRows(in Conv2dShape s)
    {
        long perRow = (long)s.InChannelsPerGroup * s.KernelH * s.KernelW * s.OutWidth;
        return (int)Math.Clamp(MaxColumnFloats / Math.Max(1, perRow), 1, s.OutHeight);
    }

    private static long MacsPerImage(in Conv2dShape s) =>
        (long)s.OutChannels * s.OutHeight * s.OutWidth * s.InChannelsPerGroup * s.KernelH * s.KernelW;

    /// <summary>Threads that each take whole images (1 when per-image GEMMs are big enough to split themselves).</summary>
    private static int ImageThreads(in Conv2dShape s) =>
        s.Batch > 1 && MacsPerImage(s) < PerImageParallelMacs ? Math.Min(KernelThreads.Available, s.Batch) : 1;

    /// <summary>Per-thread working memory: the column buffer (and, for weight gradients, a private accumulator).</summary>
    private sealed class Scratch : IDisposable
    {
        public float* Columns;
        public float* Accumulator;

        public Scratch(in Conv2dShape s, bool accumulator)
        {
            if (!IsPointwise(s))
            {
                long floats = (long)s.InChannelsPerGroup * s.KernelH * s.KernelW * BandRows(s) * s.OutWidth;
                Columns = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
            }
            if (accumulator)
            {
                long w = (long)s.OutChannels * s.InChannelsPerGroup * s.KernelH * s.KernelW;
                Accumulator = (float*)NativeMemory.AlignedAlloc((nuint)(w * sizeof(float)), 64);
                new Span<float>(Accumulator, (int)w).Clear();
            }
        }

        public void Dispose()
        {
            if (Columns != null) NativeMemory.AlignedFree(Columns);
            if (Accumulator != null) NativeMemory.AlignedFree(Accumulator);
            Columns = Accumulator = null;
        }
    }

    /// <summary>Runs <paramref name="perImage"/>(n, scratch) for every image, splitting images across threads when that pays.</summary>
    private static void ForEachImage(in Conv2dShape s, bool accumulator, Action<int, Scratch> perImage, Action<Scratch>? finish = null)
    {
        int threads = ImageThreads(s);
        var shape = s;
        var scratches = new Scratch[threads];
        try
        {
            KernelThreads.Run(threads, t =>
            {
                var scratch = scratches[t] = new Scratch(shape, accumulator);
                int n0 = shape.Batch * t / threads, n1 = shape.Batch * (t + 1) / threads;
                for (int n = n0; n < n1; n++) perImage(n, scratch);
            });
            if (finish != null) foreach (var sc in scratches) finish(sc);
        }
        finally
        {
            foreach (var sc in scratches) sc?.Dispose();
        }
    }

    /// <summary>output[N,K,OH,OW] = conv(input[N,C,H,W], weight[K,C/g,kh,kw]) + bias[K] (bias may be null).</summary>
    public static void Forward(in Conv2dShape s, float* input, float* weight, float* bias, float* output)
    {
        s.Validate();
        var shape = s;
        int oh = s.OutHeight, ow = s.OutWidth, cg = s.InChannelsPerGroup, kg = s.OutChannelsPerGroup;
        int kdim = cg * s.KernelH * s.KernelW;
        long inPlane = (long)s.InHeight * s.InWidth, outPlane = (long)oh * ow;
        bool pointwise = IsPointwise(s);
        int band = pointwise ? oh : BandRows(s);
        ForEachImage(s, false, (n, scratch) =>
        {
            float* x = input + (long)n * shape.InChannels * inPlane;
            float* y = output + (long)n * shape.OutChannels * outPlane;
            for (int g = 0; g < shape.Groups; g++)
            {
                float* w = weight + (long)g * kg * kdim;
                for (int oy0 = 0; oy0 < oh; oy0 += band)
                {
                    int oy1 = Math.Min(oh, oy0 + band);
                    int cols = (oy1 - oy0) * ow;
                    float* b;
                    if (pointwise) b = x + (long)g * cg * inPlane;
                    else
                    {
                        Im2Col.Unfold(shape, x, g * cg, cg, oy0, oy1, scratch.Columns);
                        b = scratch.Columns;
                    }
                    Gemm.Sgemm(false, false, kg, cols, kdim, 1f, w, kdim, b, cols, 0f, y + (long)g * kg * outPlane + (long)oy0 * ow, (int)outPlane);
                }
            }
            if (bias != null)
                for (int k = 0; k < shape.OutChannels; k++)
                {
                    var plane = new Span<float>(y + k * outPlane, (int)outPlane);
                    TensorPrimitives.Add(plane, bias[k], plane);
                }
        });
    }

    /// <summary>gradInput[N,C,H,W] from gradOutput[N,K,OH,OW] and weight.</summary>
    public static void BackwardInput(in Conv2dShape s, float* gradOutput, float* weight, float* gradInput)
    {
        s.Validate();
        var shape = s;
        int oh = s.OutHeight, ow = s.OutWidth, cg = s.InChannelsPerGroup, kg = s.OutChannelsPerGroup;
        int kdim = cg * s.KernelH * s.KernelW;
        long inPlane = (long)s.InHeight * s.InWidth, outPlane = (long)oh * ow;
        bool pointwise = IsPointwise(s);
        int band = pointwise ? oh : BandRows(s);
        ForEachImage(s, false, (n, scratch) =>
        {
            float* dx = gradInput + (long)n * shape.InChannels * inPlane;
            float* dy = gradOutput + (long)n * shape.OutChannels * outPlane;
            if (!pointwise) new Span<float>(dx, checked((int)(shape.InChannels * inPlane))).Clear();
            for (int g = 0; g < shape.Groups; g++)
            {
                float* w = weight + (long)g * kg * kdim;
                for (int oy0 = 0; oy0 < oh; oy0 += band)
                {
                    int oy1 = Math.Min(oh, oy0 + band);
                    int cols = (oy1 - oy0) * ow;
                    float* dyBand = dy + (long)g * kg * outPlane + (long)oy0 * ow;
                    if (pointwise)
                        Gemm.Sgemm(true, false, kdim, cols, kg, 1f, w, kdim, dyBand, (int)outPlane, 0f, dx + (long)g * cg * inPlane, (int)inPlane);
                    else
                    {
                        Gemm.Sgemm(true, false, kdim, cols, kg, 1f, w, kdim, dyBand, (int)outPlane, 0f, scratch.Columns, cols);
                        Im2Col.Fold(shape, scratch.Columns, g * cg, cg, oy0, oy1, dx);
                    }
                }
            }
        });
    }

    /// <summary>gradWeight[K,C/g,kh,kw] and gradBias[K] (may be null) from input and gradOutput.</summary>
    public static void BackwardWeight(in Conv2dShape s, float* input, float* gradOutput, float* gradWeight, float* gradBias)
    {
        s.Validate();
        var shape = s;
        int oh = s.OutHeight, ow = s.OutWidth, cg = s.InChannelsPerGroup, kg = s.OutChannelsPerGroup;
        int kdim = cg * s.KernelH * s.KernelW;
        int wCount = s.OutChannels * kdim;
        long inPlane = (long)s.InHeight * s.InWidth, outPlane = (long)oh * ow;
        bool pointwise = IsPointwise(s);
        int band = pointwise ? oh : BandRows(s);
        new Span<float>(gradWeight, wCount).Clear();
        ForEachImage(s, true, (n, scratch) =>
        {
            float* x = input + (long)n * shape.InChannels * inPlane;
            float* dy = gradOutput + (long)n * shape.OutChannels * outPlane;
            for (int g = 0; g < shape.Groups; g++)
            {
                float* dw = scratch.Accumulator + (long)g * kg * kdim;
                for (int oy0 = 0; oy0 < oh; oy0 += band)
                {
                    int oy1 = Math.Min(oh, oy0 + band);
                    int cols = (oy1 - oy0) * ow;
                    float* b;
                    int ldb;
                    if (pointwise) { b = x + (long)g * cg * inPlane; ldb = (int)inPlane; }
                    else
                    {
                        Im2Col.Unfold(shape, x, g * cg, cg, oy0, oy1, scratch.Columns);
                        b = scratch.Columns;
                        ldb = cols;
                    }
                    Gemm.Sgemm(false, true, kg, kdim, cols, 1f, dy + (long)g * kg * outPlane + (long)oy0 * ow, (int)outPlane, b, ldb, 1f, dw, kdim);
                }
            }
        }, scratch =>
        {
            var dst = new Span<float>(gradWeight, wCount);
            TensorPrimitives.Add(dst, new ReadOnlySpan<float>(scratch.Accumulator, wCount), dst);
        });
        if (gradBias != null)
        {
            new Span<float>(gradBias, s.OutChannels).Clear();
            for (int n = 0; n < s.Batch; n++)
                for (int k = 0; k < s.OutChannels; k++)
                    gradBias[k] += TensorPrimitives.Sum(new ReadOnlySpan<float>(gradOutput + ((long)n * s.OutChannels + k) * outPlane, (int)outPlane));
        }
    }
}
