using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// 2-D convolution on raw NCHW buffers as GEMMs: forward Y_g = W_g · col(X), input gradient
/// col(dX) = W_gᵀ · dY_g folded back, weight gradient dW_g += dY_g · col(X)ᵀ. The column matrix is
/// built for a band of output rows at a time so its size stays bounded; 1×1 stride-1 convolutions
/// use the input directly. Every entry point overwrites its output.
/// </summary>
public static unsafe class Conv2dKernels
{
    /// <summary>Upper bound on the column buffer, in floats (64 MB).</summary>
    internal static long MaxColumnFloats { get; set; } = 16L << 20;

    private static bool IsPointwise(in Conv2dShape s) =>
        s.KernelH == 1 && s.KernelW == 1 && s.StrideH == 1 && s.StrideW == 1 && s.PadH == 0 && s.PadW == 0;

    /// <summary>Output rows per band so that the column matrix fits <see cref="MaxColumnFloats"/>.</summary>
    private static int BandRows(in Conv2dShape s)
    {
        long perRow = (long)s.InChannelsPerGroup * s.KernelH * s.KernelW * s.OutWidth;
        return (int)Math.Clamp(MaxColumnFloats / Math.Max(1, perRow), 1, s.OutHeight);
    }

    private static float* RentColumns(in Conv2dShape s, int band, out nuint bytes)
    {
        bytes = (nuint)((long)s.InChannelsPerGroup * s.KernelH * s.KernelW * band * s.OutWidth * sizeof(float));
        return (float*)NativeMemory.AlignedAlloc(bytes, 64);
    }

    /// <summary>output[N,K,OH,OW] = conv(input[N,C,H,W], weight[K,C/g,kh,kw]) + bias[K] (bias may be null).</summary>
    public static void Forward(in Conv2dShape s, float* input, float* weight, float* bias, float* output)
    {
        s.Validate();
        int oh = s.OutHeight, ow = s.OutWidth, cg = s.InChannelsPerGroup, kg = s.OutChannelsPerGroup;
        int kdim = cg * s.KernelH * s.KernelW;
        long inPlane = (long)s.InHeight * s.InWidth, outPlane = (long)oh * ow;
        bool pointwise = IsPointwise(s);
        int band = pointwise ? oh : BandRows(s);
        float* col = pointwise ? null : RentColumns(s, band, out _);
        try
        {
            for (int n = 0; n < s.Batch; n++)
            {
                float* x = input + (long)n * s.InChannels * inPlane;
                float* y = output + (long)n * s.OutChannels * outPlane;
                for (int g = 0; g < s.Groups; g++)
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
                            Im2Col.Unfold(s, x, g * cg, cg, oy0, oy1, col);
                            b = col;
                        }
                        Gemm.Sgemm(false, false, kg, cols, kdim, 1f, w, kdim, b, cols, 0f, y + (long)g * kg * outPlane + (long)oy0 * ow, (int)outPlane);
                    }
                }
                if (bias != null)
                    for (int k = 0; k < s.OutChannels; k++)
                    {
                        var plane = new Span<float>(y + k * outPlane, (int)outPlane);
                        TensorPrimitives.Add(plane, bias[k], plane);
                    }
            }
        }
        finally
        {
            if (col != null) NativeMemory.AlignedFree(col);
        }
    }

    /// <summary>gradInput[N,C,H,W] from gradOutput[N,K,OH,OW] and weight.</summary>
    public static void BackwardInput(in Conv2dShape s, float* gradOutput, float* weight, float* gradInput)
    {
        s.Validate();
        int oh = s.OutHeight, ow = s.OutWidth, cg = s.InChannelsPerGroup, kg = s.OutChannelsPerGroup;
        int kdim = cg * s.KernelH * s.KernelW;
        long inPlane = (long)s.InHeight * s.InWidth, outPlane = (long)oh * ow;
        bool pointwise = IsPointwise(s);
        int band = pointwise ? oh : BandRows(s);
        new Span<float>(gradInput, checked((int)((long)s.Batch * s.InChannels * inPlane))).Clear();
        float* col = pointwise ? null : RentColumns(s, band, out _);
        try
        {
            for (int n = 0; n < s.Batch; n++)
            {
                float* dx = gradInput + (long)n * s.InChannels * inPlane;
                float* dy = gradOutput + (long)n * s.OutChannels * outPlane;
                for (int g = 0; g < s.Groups; g++)
                {
                    float* w = weight + (long)g * kg * kdim;
                    for (int oy0 = 0; oy0 < oh; oy0 += band)
                    {
                        int oy1 = Math.Min(oh, oy0 + band);
                        int cols = (oy1 - oy0) * ow;
                        float* dyBand = dy + (long)g * kg * outPlane + (long)oy0 * ow;
                        if (pointwise)
                        {
                            Gemm.Sgemm(true, false, kdim, cols, kg, 1f, w, kdim, dyBand, (int)outPlane, 0f, dx + (long)g * cg * inPlane, (int)inPlane);
                        }
                        else
                        {
                            Gemm.Sgemm(true, false, kdim, cols, kg, 1f, w, kdim, dyBand, (int)outPlane, 0f, col, cols);
                            Im2Col.Fold(s, col, g * cg, cg, oy0, oy1, dx);
                        }
                    }
                }
            }
        }
        finally
        {
            if (col != null) NativeMemory.AlignedFree(col);
        }
    }

    /// <summary>gradWeight[K,C/g,kh,kw] and gradBias[K] (may be null) from input and gradOutput.</summary>
    public static void BackwardWeight(in Conv2dShape s, float* input, float* gradOutput, float* gradWeight, float* gradBias)
    {
        s.Validate();
        int oh = s.OutHeight, ow = s.OutWidth, cg = s.InChannelsPerGroup, kg = s.OutChannelsPerGroup;
        int kdim = cg * s.KernelH * s.KernelW;
        long inPlane = (long)s.InHeight * s.InWidth, outPlane = (long)oh * ow;
        bool pointwise = IsPointwise(s);
        int band = pointwise ? oh : BandRows(s);
        new Span<float>(gradWeight, s.OutChannels * kdim).Clear();
        float* col = pointwise ? null : RentColumns(s, band, out _);
        try
        {
            for (int n = 0; n < s.Batch; n++)
            {
                float* x = input + (long)n * s.InChannels * inPlane;
                float* dy = gradOutput + (long)n * s.OutChannels * outPlane;
                for (int g = 0; g < s.Groups; g++)
                {
                    float* dw = gradWeight + (long)g * kg * kdim;
                    for (int oy0 = 0; oy0 < oh; oy0 += band)
                    {
                        int oy1 = Math.Min(oh, oy0 + band);
                        int cols = (oy1 - oy0) * ow;
                        float* b;
                        int ldb;
                        if (pointwise) { b = x + (long)g * cg * inPlane; ldb = (int)inPlane; }
                        else
                        {
                            Im2Col.Unfold(s, x, g * cg, cg, oy0, oy1, col);
                            b = col;
                            ldb = cols;
                        }
                        Gemm.Sgemm(false, true, kg, kdim, cols, 1f, dy + (long)g * kg * outPlane + (long)oy0 * ow, (int)outPlane, b, ldb, 1f, dw, kdim);
                    }
                }
                if (gradBias != null && n == 0) new Span<float>(gradBias, s.OutChannels).Clear();
                if (gradBias != null)
                    for (int k = 0; k < s.OutChannels; k++)
                        gradBias[k] += TensorPrimitives.Sum(new ReadOnlySpan<float>(dy + k * outPlane, (int)outPlane));
            }
        }
        finally
        {
            if (col != null) NativeMemory.AlignedFree(col);
        }
    }
}
