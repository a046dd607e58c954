namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// 2-D convolution kernels on raw NCHW buffers. Every entry point overwrites its output.
/// </summary>
public static unsafe class Conv2dKernels
{
    /// <summary>output[N,K,OH,OW] = conv(input[N,C,H,W], weight[K,C/g,kh,kw]) + bias[K] (bias may be null).</summary>
    public static void Forward(in Conv2dShape s, float* input, float* weight, float* bias, float* output)
    {
        s.Validate();
        int oh = s.OutHeight, ow = s.OutWidth, cg = s.InChannelsPerGroup, kg = s.OutChannelsPerGroup;
        for (int n = 0; n < s.Batch; n++)
        for (int k = 0; k < s.OutChannels; k++)
        {
            int g = k / kg;
            for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                float sum = bias == null ? 0 : bias[k];
                for (int c = 0; c < cg; c++)
                for (int i = 0; i < s.KernelH; i++)
                for (int j = 0; j < s.KernelW; j++)
                {
                    int iy = y * s.StrideH - s.PadH + i * s.DilationH, ix = x * s.StrideW - s.PadW + j * s.DilationW;
                    if ((uint)iy >= (uint)s.InHeight || (uint)ix >= (uint)s.InWidth) continue;
                    sum += input[(((long)n * s.InChannels + g * cg + c) * s.InHeight + iy) * s.InWidth + ix]
                         * weight[(((long)k * cg + c) * s.KernelH + i) * s.KernelW + j];
                }
                output[(((long)n * s.OutChannels + k) * oh + y) * ow + x] = sum;
            }
        }
    }

    /// <summary>gradInput[N,C,H,W] from gradOutput[N,K,OH,OW] and weight.</summary>
    public static void BackwardInput(in Conv2dShape s, float* gradOutput, float* weight, float* gradInput)
    {
        s.Validate();
        int oh = s.OutHeight, ow = s.OutWidth, cg = s.InChannelsPerGroup, kg = s.OutChannelsPerGroup;
        new Span<float>(gradInput, checked(s.Batch * s.InChannels * s.InHeight * s.InWidth)).Clear();
        for (int n = 0; n < s.Batch; n++)
        for (int k = 0; k < s.OutChannels; k++)
        {
            int g = k / kg;
            for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                float go = gradOutput[(((long)n * s.OutChannels + k) * oh + y) * ow + x];
                for (int c = 0; c < cg; c++)
                for (int i = 0; i < s.KernelH; i++)
                for (int j = 0; j < s.KernelW; j++)
                {
                    int iy = y * s.StrideH - s.PadH + i * s.DilationH, ix = x * s.StrideW - s.PadW + j * s.DilationW;
                    if ((uint)iy >= (uint)s.InHeight || (uint)ix >= (uint)s.InWidth) continue;
                    gradInput[(((long)n * s.InChannels + g * cg + c) * s.InHeight + iy) * s.InWidth + ix]
                        += go * weight[(((long)k * cg + c) * s.KernelH + i) * s.KernelW + j];
                }
            }
        }
    }

    /// <summary>gradWeight[K,C/g,kh,kw] and gradBias[K] (may be null) from input and gradOutput.</summary>
    public static void BackwardWeight(in Conv2dShape s, float* input, float* gradOutput, float* gradWeight, float* gradBias)
    {
        s.Validate();
        int oh = s.OutHeight, ow = s.OutWidth, cg = s.InChannelsPerGroup, kg = s.OutChannelsPerGroup;
        new Span<float>(gradWeight, checked(s.OutChannels * cg * s.KernelH * s.KernelW)).Clear();
        if (gradBias != null) new Span<float>(gradBias, s.OutChannels).Clear();
        for (int n = 0; n < s.Batch; n++)
        for (int k = 0; k < s.OutChannels; k++)
        {
            int g = k / kg;
            for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                float go = gradOutput[(((long)n * s.OutChannels + k) * oh + y) * ow + x];
                if (gradBias != null) gradBias[k] += go;
                for (int c = 0; c < cg; c++)
                for (int i = 0; i < s.KernelH; i++)
                for (int j = 0; j < s.KernelW; j++)
                {
                    int iy = y * s.StrideH - s.PadH + i * s.DilationH, ix = x * s.StrideW - s.PadW + j * s.DilationW;
                    if ((uint)iy >= (uint)s.InHeight || (uint)ix >= (uint)s.InWidth) continue;
                    gradWeight[(((long)k * cg + c) * s.KernelH + i) * s.KernelW + j]
                        += go * input[(((long)n * s.InChannels + g * cg + c) * s.InHeight + iy) * s.InWidth + ix];
                }
            }
        }
    }
}
