using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Tensors;

/// <summary>Neural-network operations with autograd, like torch.nn.functional.</summary>
public static unsafe partial class Functional
{
    /// <summary>
    /// 2-D convolution of input [N, C, H, W] with weight [K, C/groups, kh, kw] and optional bias [K]
    /// (torch.nn.functional.conv2d with square stride, padding and dilation).
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        Conv2d(input, weight, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    /// <summary>2-D convolution with per-axis stride, zero padding and dilation.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups = 1)
    {
        input.RequireFloat();
        weight.RequireFloat();
        if (input.Rank != 4) throw new ArgumentException($"Conv2d needs input [N, C, H, W], got {Tensor.FormatShape(input.Shape)}.");
        if (weight.Rank != 4) throw new ArgumentException($"Conv2d needs weight [K, C/groups, kh, kw], got {Tensor.FormatShape(weight.Shape)}.");
        if (weight.Size(1) * groups != input.Size(1))
            throw new ArgumentException($"Conv2d: input has {input.Size(1)} channels but weight {Tensor.FormatShape(weight.Shape)} with groups {groups} expects {weight.Size(1) * groups}.");
        if (bias != null && (bias.Rank != 1 || bias.Size(0) != weight.Size(0)))
            throw new ArgumentException($"Conv2d: bias {Tensor.FormatShape(bias.Shape)} does not match {weight.Size(0)} output channels.");
        var s = new Conv2dShape(input.Size(0), input.Size(1), input.Size(2), input.Size(3), weight.Size(0), weight.Size(2), weight.Size(3),
            stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, groups);
        s.Validate();
        var output = Tensor.Allocate([s.Batch, s.OutChannels, s.OutHeight, s.OutWidth]);
        var x = input.ContiguousNoGrad();
        var w = weight.ContiguousNoGrad();
        using (var b = bias?.ContiguousNoGrad())
            Conv2dKernels.Forward(s, x.FloatPointer, w.FloatPointer, b == null ? null : b.FloatPointer, output.FloatPointer);
        Tensor[] inputs = bias == null ? [input, weight] : [input, weight, bias];
        return Autograd.Record(output, "conv2d", inputs, (g, gi) =>
        {
            using var gc = g.ContiguousNoGrad();
            if (input.RequiresGrad)
            {
                var gx = Tensor.Allocate(input.Shape);
                Conv2dKernels.BackwardInput(s, gc.FloatPointer, w.FloatPointer, gx.FloatPointer);
                gi[0] = gx;
            }
            bool biasGrad = bias != null && bias.RequiresGrad;
            if (weight.RequiresGrad)
            {
                var gw = Tensor.Allocate(weight.Shape);
                var gb = biasGrad ? Tensor.Allocate(bias!.Shape) : null;
                Conv2dKernels.BackwardWeight(s, x.FloatPointer, gc.FloatPointer, gw.FloatPointer, gb == null ? null : gb.FloatPointer);
                gi[1] = gw;
                if (gb != null) gi[2] = gb;
            }
            else if (biasGrad)
            {
                gi[2] = ChannelSums(gc, s.Batch, s.OutChannels, (long)s.OutHeight * s.OutWidth);
            }
        }, x, w);
    }

    /// <summary>Σ over batch and positions of a contiguous [N, C, L] tensor, as [C].</summary>
    internal static Tensor ChannelSums(Tensor t, int n, int c, long plane)
    {
        var r = Tensor.Zeros([c]);
        float* src = t.FloatPointer, dst = r.FloatPointer;
        for (int b = 0; b < n; b++)
            for (int k = 0; k < c; k++)
                dst[k] += SumOf(src + ((long)b * c + k) * plane, plane);
        return r;
    }

    /// <summary>Σ of a long run, in int-sized vectorised pieces.</summary>
    internal static float SumOf(float* p, long n)
    {
        double s = 0;
        while (n > 0)
        {
            int len = (int)Math.Min(n, 1 << 30);
            s += System.Numerics.Tensors.TensorPrimitives.Sum<float>(new ReadOnlySpan<float>(p, len));
            p += len;
            n -= len;
        }
        return (float)s;
    }
}
