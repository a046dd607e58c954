using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Tensors;

/// <summary>Neural-network operations with autograd, like torch.nn.functional.</summary>
public static unsafe partial class Functional
{
    /// <summary>2-D convolution of input [N, C, H, W] with weight [K, C/groups, kh, kw] and optional bias [K].</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        Conv2d(input, weight, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups = 1)
    {
        if (input.Rank != 4) throw new ArgumentException($"Conv2d expects input [N, C, H, W], got {Tensor.FormatShape(input.Shape)}.");
        if (weight.Rank != 4) throw new ArgumentException($"Conv2d expects weight [K, C/groups, kh, kw], got {Tensor.FormatShape(weight.Shape)}.");
        int n = input.Size(0), c = input.Size(1), h = input.Size(2), w = input.Size(3);
        int k = weight.Size(0);
        if (weight.Size(1) * groups != c)
            throw new ArgumentException($"Conv2d: input has {c} channels but weight {Tensor.FormatShape(weight.Shape)} with groups={groups} expects {weight.Size(1) * groups}.");
        if (bias != null && (bias.Rank != 1 || bias.Size(0) != k))
            throw new ArgumentException($"Conv2d: bias {Tensor.FormatShape(bias.Shape)} does not match {k} output channels.");
        var s = new Conv2dShape(n, c, h, w, k, weight.Size(2), weight.Size(3), stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, groups);
        s.Validate();
        var output = Tensor.Allocate([n, k, s.OutHeight, s.OutWidth]);
        using (var x = input.ContiguousNoGrad())
        using (var wc = weight.ContiguousNoGrad())
        using (var bc = bias?.ContiguousNoGrad())
            Conv2dKernels.Forward(s, x.FloatPointer, wc.FloatPointer, bc == null ? null : bc.FloatPointer, output.FloatPointer);

        Tensor[] inputs = bias == null ? [input, weight] : [input, weight, bias];
        return Autograd.Record(output, "conv2d", inputs, (g, gi) =>
        {
            using var gc = g.ContiguousNoGrad();
            if (input.RequiresGrad)
            {
                var gx = Tensor.Allocate(input.Shape);
                using var wc = weight.ContiguousNoGrad();
                Conv2dKernels.BackwardInput(s, gc.FloatPointer, wc.FloatPointer, gx.FloatPointer);
                gi[0] = gx;
            }
            bool needW = weight.RequiresGrad, needB = bias != null && bias.RequiresGrad;
            if (needW || needB)
            {
                var gw = Tensor.Allocate(weight.Shape);
                var gb = bias != null ? Tensor.Allocate(bias.Shape) : null;
                using var x = input.ContiguousNoGrad();
                Conv2dKernels.BackwardWeight(s, x.FloatPointer, gc.FloatPointer, gw.FloatPointer, gb == null ? null : gb.FloatPointer);
                if (needW) gi[1] = gw; else gw.Dispose();
                if (needB) gi[2] = gb; else gb?.Dispose();
            }
        });
    }

    /// <summary>y = x·Wᵀ + b for x [..., in], W [out, in], b [out].</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        int inF = weight.Size(1), outF = weight.Size(0);
        if (input.Size(-1) != inF) throw new ArgumentException($"Linear: input features {input.Size(-1)} do not match weight {Tensor.FormatShape(weight.Shape)}.");
        var lead = input.Shape[..^1].ToArray();
        using var x2 = input.Reshape(-1, inF);
        using var wt = weight.Transpose(0, 1);
        using var y = x2.MatMul(wt);
        using var yb = bias == null ? y.Alias() : y.Add(bias);
        return yb.Reshape([.. lead, outF]);
    }
}
