namespace RetinaSharp.Tensors;

public static unsafe partial class Functional
{
    /// <summary>
    /// 2-D max pooling over [N, C, H, W] (torch.nn.functional.max_pool2d): padding acts as −∞, the
    /// output size rounds down (or up with <paramref name="ceilMode"/>, dropping a last window that
    /// would start in the padding). The gradient goes to the first maximum of each window; a NaN
    /// wins its window.
    /// </summary>
    /// <param name="stride">Window step; ≤ 0 means the kernel size (torch's default).</param>
    public static Tensor MaxPool2d(Tensor input, int kernel, int stride = -1, int padding = 0, int dilation = 1, bool ceilMode = false)
    {
        input.RequireFloat();
        if (input.Rank != 4) throw new ArgumentException($"MaxPool2d needs [N, C, H, W], got {Tensor.FormatShape(input.Shape)}.");
        if (stride <= 0) stride = kernel;
        if (kernel <= 0 || dilation <= 0 || padding < 0)
            throw new ArgumentException($"MaxPool2d: invalid kernel {kernel}, dilation {dilation} or padding {padding}.");
        if (padding > ((kernel - 1) * dilation + 1) / 2)
            throw new ArgumentException($"MaxPool2d: padding {padding} must be at most half the effective kernel size.");
        int n = input.Size(0), c = input.Size(1), h = input.Size(2), w = input.Size(3);
        int oh = PoolOutputSize(h, kernel, stride, padding, dilation, ceilMode);
        int ow = PoolOutputSize(w, kernel, stride, padding, dilation, ceilMode);
        if (oh <= 0 || ow <= 0) throw new ArgumentException($"MaxPool2d output would be empty for input {Tensor.FormatShape(input.Shape)}.");
        var output = Tensor.Allocate([n, c, oh, ow]);
        var geo = new PoolGeometry(h, w, oh, ow, kernel, stride, padding, dilation);
        if (!Autograd.NeedsGrad(input))
        {
            // Inference: no positions to remember, so a branch-free running maximum will do.
            using var xi = input.ContiguousNoGrad();
            nint pxi = (nint)xi.FloatPointer, pyi = (nint)output.FloatPointer;
            ParallelRange.ForUnits(n * c, (long)oh * ow * kernel * kernel, (first, end) =>
            {
                for (int p = first; p < end; p++)
                    MaxPoolPlaneValues(geo, (float*)pxi + (long)p * h * w, (float*)pyi + (long)p * oh * ow);
            });
            return output;
        }
        var argmax = Tensor.Allocate([n, c, oh, ow], DType.Int32, track: false);
        using (var x = input.ContiguousNoGrad())
        {
            nint px = (nint)x.FloatPointer, py = (nint)output.FloatPointer, pi = (nint)argmax.DataPointer;
            ParallelRange.ForUnits(n * c, (long)oh * ow * kernel * kernel, (first, end) =>
            {
                for (int p = first; p < end; p++)
                    MaxPoolPlane(geo, (float*)px + (long)p * h * w, (float*)py + (long)p * oh * ow, (int*)pi + (long)p * oh * ow);
            });
        }
        return Autograd.Record(output, "max_pool2d", [input], (g, gi) =>
        {
            using var gc = g.ContiguousNoGrad();
            var gx = Tensor.Zeros(input.Shape);
            nint pg = (nint)gc.FloatPointer, po = (nint)gx.FloatPointer, pi = (nint)argmax.DataPointer;
            ParallelRange.ForUnits(n * c, (long)oh * ow, (first, end) =>
            {
                for (int p = first; p < end; p++)
                {
                    float* gp = (float*)pg + (long)p * oh * ow, op = (float*)po + (long)p * h * w;
                    int* ip = (int*)pi + (long)p * oh * ow;
                    for (int i = 0; i < oh * ow; i++) op[ip[i]] += gp[i];
                }
            });
            gi[0] = gx;
        }, argmax);
    }

    /// <summary>torch's pooling output size, including the ceil-mode rule that no window may start in the right padding.</summary>
    private static int PoolOutputSize(int size, int kernel, int stride, int padding, int dilation, bool ceilMode)
    {
        long span = (long)size + 2 * padding - (long)dilation * (kernel - 1) - 1;
        if (span < 0) return 0;
        long o = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && (o - 1) * stride >= size + padding) o--;
        return (int)o;
    }

    private readonly record struct PoolGeometry(int H, int W, int OutH, int OutW, int Kernel, int Stride, int Padding, int Dilation);

    private static void MaxPoolPlane(PoolGeometry geo, float* x, float* y, int* argmax)
    {
        int h = geo.H, w = geo.W, oh = geo.OutH, ow = geo.OutW, k = geo.Kernel, s = geo.Stride, p = geo.Padding, d = geo.Dilation;
        // Output columns whose whole window lies inside the row need no bounds checks.
        int oxLo = Math.Min(ow, (p + s - 1) / s);
        int last = w - 1 - (k - 1) * d + p;
        int oxHi = last < 0 ? oxLo : Math.Max(oxLo, Math.Min(ow, last / s + 1));
        for (int oy = 0; oy < oh; oy++)
        {
            int y0 = oy * s - p;
            int kyLo = 0, kyHi = k;
            while (kyLo < k && y0 + kyLo * d < 0) kyLo++;
            while (kyHi > kyLo && y0 + (kyHi - 1) * d >= h) kyHi--;
            float* yo = y + (long)oy * ow;
            int* ao = argmax + (long)oy * ow;
            int rowStart = (y0 + kyLo * d) * w, rowStep = d * w;
            for (int ox = 0; ox < oxLo; ox++) EdgeWindow(x, w, rowStart, rowStep, kyHi - kyLo, ox * s - p, k, d, yo + ox, ao + ox);
            for (int ox = oxLo; ox < oxHi; ox++)
            {
                // Interior: every tap is inside. The first maximum wins ties; a NaN wins (and the last NaN is kept), as torch.
                int at0 = rowStart + ox * s - p;
                int best = at0;
                float max = float.NegativeInfinity;
                for (int ky = kyLo, row = at0; ky < kyHi; ky++, row += rowStep)
                {
                    for (int kx = 0, at = row; kx < k; kx++, at += d)
                    {
                        float v = x[at];
                        if (v > max || float.IsNaN(v))
                        {
                            max = v;
                            best = at;
                        }
                    }
                }
                yo[ox] = max;
                ao[ox] = best;
            }
            for (int ox = oxHi; ox < ow; ox++) EdgeWindow(x, w, rowStart, rowStep, kyHi - kyLo, ox * s - p, k, d, yo + ox, ao + ox);
        }
    }

    /// <summary>Max pooling of one plane without positions; MathF.Max propagates NaN as torch's pooling does.</summary>
    private static void MaxPoolPlaneValues(PoolGeometry geo, float* x, float* y)
    {
        int h = geo.H, w = geo.W, oh = geo.OutH, ow = geo.OutW, k = geo.Kernel, s = geo.Stride, p = geo.Padding, d = geo.Dilation;
        for (int oy = 0; oy < oh; oy++)
        {
            int y0 = oy * s - p;
            int kyLo = 0, kyHi = k;
            while (kyLo < k && y0 + kyLo * d < 0) kyLo++;
            while (kyHi > kyLo && y0 + (kyHi - 1) * d >= h) kyHi--;
            float* yo = y + (long)oy * ow;
            for (int ox = 0; ox < ow; ox++)
            {
                int x0 = ox * s - p;
                int kxLo = 0, kxHi = k;
                while (kxLo < k && x0 + kxLo * d < 0) kxLo++;
                while (kxHi > kxLo && x0 + (kxHi - 1) * d >= w) kxHi--;
                float max = float.NegativeInfinity;
                for (int ky = kyLo; ky < kyHi; ky++)
                {
                    float* row = x + (long)(y0 + ky * d) * w + x0;
                    for (int kx = kxLo; kx < kxHi; kx++) max = MathF.Max(max, row[kx * d]);
                }
                yo[ox] = max;
            }
        }
    }

    /// <summary>One window that crosses the left or right border (taps outside count as −∞).</summary>
    private static void EdgeWindow(float* x, int w, int rowStart, int rowStep, int rows, int x0, int k, int d, float* yo, int* ao)
    {
        int kxLo = 0, kxHi = k;
        while (kxLo < k && x0 + kxLo * d < 0) kxLo++;
        while (kxHi > kxLo && x0 + (kxHi - 1) * d >= w) kxHi--;
        int best = rowStart + x0 + kxLo * d;
        float max = float.NegativeInfinity;
        for (int r = 0, row = rowStart + x0; r < rows; r++, row += rowStep)
        {
            for (int kx = kxLo; kx < kxHi; kx++)
            {
                int at = row + kx * d;
                float v = x[at];
                if (v > max || float.IsNaN(v))
                {
                    max = v;
                    best = at;
                }
            }
        }
        *yo = max;
        *ao = best;
    }
}
