using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Tensors.Tests.Kernels;

/// <summary>
/// Direct convolution loops in double precision. Besides each result they return the sum of the
/// absolute values of the terms that make it up, which scales the tolerance of a float comparison.
/// </summary>
internal static class ConvReference
{
    public static (double[] Value, double[] Magnitude) Forward(Conv2dShape s, float[] input, float[] weight, float[]? bias)
    {
        int oh = s.OutHeight, ow = s.OutWidth, cg = s.InChannelsPerGroup, kg = s.OutChannelsPerGroup;
        var value = new double[s.Batch * s.OutChannels * oh * ow];
        var magnitude = new double[value.Length];
        for (int n = 0; n < s.Batch; n++)
        for (int k = 0; k < s.OutChannels; k++)
        for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
        {
            double sum = bias?[k] ?? 0, abs = Math.Abs(bias?[k] ?? 0);
            ForEachTap(s, k / kg, y, x, (c, iy, ix, i, j) =>
            {
                double term = (double)input[Index(n, c, iy, ix, s.InChannels, s.InHeight, s.InWidth)]
                    * weight[Index(k, c - k / kg * cg, i, j, cg, s.KernelH, s.KernelW)];
                sum += term;
                abs += Math.Abs(term);
            });
            int o = Index(n, k, y, x, s.OutChannels, oh, ow);
            value[o] = sum;
            magnitude[o] = abs;
        }
        return (value, magnitude);
    }

    public static (double[] Value, double[] Magnitude) BackwardInput(Conv2dShape s, float[] gradOutput, float[] weight)
    {
        int oh = s.OutHeight, ow = s.OutWidth, cg = s.InChannelsPerGroup, kg = s.OutChannelsPerGroup;
        var value = new double[s.Batch * s.InChannels * s.InHeight * s.InWidth];
        var magnitude = new double[value.Length];
        for (int n = 0; n < s.Batch; n++)
        for (int k = 0; k < s.OutChannels; k++)
        for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
        {
            double go = gradOutput[Index(n, k, y, x, s.OutChannels, oh, ow)];
            ForEachTap(s, k / kg, y, x, (c, iy, ix, i, j) =>
            {
                double term = go * weight[Index(k, c - k / kg * cg, i, j, cg, s.KernelH, s.KernelW)];
                int d = Index(n, c, iy, ix, s.InChannels, s.InHeight, s.InWidth);
                value[d] += term;
                magnitude[d] += Math.Abs(term);
            });
        }
        return (value, magnitude);
    }

    public static (double[] Value, double[] Magnitude, double[] Bias, double[] BiasMagnitude) BackwardWeight(
        Conv2dShape s, float[] input, float[] gradOutput)
    {
        int oh = s.OutHeight, ow = s.OutWidth, cg = s.InChannelsPerGroup, kg = s.OutChannelsPerGroup;
        var value = new double[s.OutChannels * cg * s.KernelH * s.KernelW];
        var magnitude = new double[value.Length];
        var bias = new double[s.OutChannels];
        var biasMagnitude = new double[s.OutChannels];
        for (int n = 0; n < s.Batch; n++)
        for (int k = 0; k < s.OutChannels; k++)
        for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
        {
            double go = gradOutput[Index(n, k, y, x, s.OutChannels, oh, ow)];
            bias[k] += go;
            biasMagnitude[k] += Math.Abs(go);
            ForEachTap(s, k / kg, y, x, (c, iy, ix, i, j) =>
            {
                double term = go * input[Index(n, c, iy, ix, s.InChannels, s.InHeight, s.InWidth)];
                int d = Index(k, c - k / kg * cg, i, j, cg, s.KernelH, s.KernelW);
                value[d] += term;
                magnitude[d] += Math.Abs(term);
            });
        }
        return (value, magnitude, bias, biasMagnitude);
    }

    /// <summary>Calls visit(channel, inputRow, inputColumn, i, j) for every in-bounds tap of output (y, x) in group g.</summary>
    private static void ForEachTap(Conv2dShape s, int g, int y, int x, Action<int, int, int, int, int> visit)
    {
        int cg = s.InChannelsPerGroup;
        for (int c = g * cg; c < (g + 1) * cg; c++)
        for (int i = 0; i < s.KernelH; i++)
        for (int j = 0; j < s.KernelW; j++)
        {
            int iy = y * s.StrideH - s.PadH + i * s.DilationH, ix = x * s.StrideW - s.PadW + j * s.DilationW;
            if (iy >= 0 && iy < s.InHeight && ix >= 0 && ix < s.InWidth) visit(c, iy, ix, i, j);
        }
    }

    private static int Index(int a, int b, int c, int d, int nb, int nc, int nd) => ((a * nb + b) * nc + c) * nd + d;
}
