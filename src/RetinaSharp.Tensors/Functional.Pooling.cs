namespace RetinaSharp.Tensors;

public static unsafe partial class Functional
{
    /// <summary>
    /// Max pooling over [N, C, H, W] with −∞ padding (torch semantics, floor mode). The gradient goes
    /// to the first maximum in each window.
    /// </summary>
    public static Tensor MaxPool2d(Tensor input, int kernel, int stride = -1, int padding = 0)
    {
        if (stride <= 0) stride = kernel;
        if (input.Rank != 4) throw new ArgumentException($"MaxPool2d expects [N, C, H, W], got {Tensor.FormatShape(input.Shape)}.");
        if (padding * 2 > kernel) throw new ArgumentException("MaxPool2d padding must be at most half the kernel size.");
        int n = input.Size(0), c = input.Size(1), h = input.Size(2), w = input.Size(3);
        int oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1;
        if (oh <= 0 || ow <= 0) throw new ArgumentException($"MaxPool2d output would be empty for input {Tensor.FormatShape(input.Shape)}.");
        var output = Tensor.Allocate([n, c, oh, ow]);
        var argmax = new int[n * c * oh * ow];
        using (var x = input.ContiguousNoGrad())
        {
            float* px = x.FloatPointer, py = output.FloatPointer;
            Parallel.For(0, n * c, new ParallelOptions { MaxDegreeOfParallelism = Kernels.KernelThreads.MaxThreads }, plane =>
            {
                float* src = px + (long)plane * h * w;
                float* dst = py + (long)plane * oh * ow;
                int baseIdx = plane * oh * ow;
                for (int oy = 0; oy < oh; oy++)
                {
                    int y0 = oy * stride - padding;
                    int ya = Math.Max(y0, 0), yb = Math.Min(y0 + kernel, h);
                    for (int ox = 0; ox < ow; ox++)
                    {
                        int x0 = ox * stride - padding;
                        int xa = Math.Max(x0, 0), xb = Math.Min(x0 + kernel, w);
                        float best = float.NegativeInfinity;
                        int bestIdx = ya * w + xa;
                        for (int yy = ya; yy < yb; yy++)
                            for (int xx = xa; xx < xb; xx++)
                            {
                                float v = src[yy * w + xx];
                                if (v > best || float.IsNaN(v)) { best = v; bestIdx = yy * w + xx; if (float.IsNaN(v)) goto done; }
                            }
                        done:
                        dst[oy * ow + ox] = best;
                        argmax[baseIdx + oy * ow + ox] = bestIdx;
                    }
                }
            });
        }
        var inShape = input.Shape.ToArray();
        return Autograd.Record(output, "max_pool2d", [input], (g, gi) =>
        {
            var gx = Tensor.Zeros(inShape);
            using var gc = g.ContiguousNoGrad();
            float* pg = gc.FloatPointer, pgx = gx.FloatPointer;
            for (int plane = 0; plane < n * c; plane++)
            {
                float* dst = pgx + (long)plane * h * w;
                int baseIdx = plane * oh * ow;
                for (int i = 0; i < oh * ow; i++) dst[argmax[baseIdx + i]] += pg[baseIdx + i];
            }
            gi[0] = gx;
        });
    }

    /// <summary>Nearest-neighbour upsampling of [N, C, H, W] to [N, C, outH, outW] with torch's index rule src = floor(dst · in / out).</summary>
    public static Tensor UpsampleNearest(Tensor input, int outHeight, int outWidth)
    {
        if (input.Rank != 4) throw new ArgumentException($"UpsampleNearest expects [N, C, H, W], got {Tensor.FormatShape(input.Shape)}.");
        int n = input.Size(0), c = input.Size(1), h = input.Size(2), w = input.Size(3);
        var rows = NearestIndices(h, outHeight);
        var cols = NearestIndices(w, outWidth);
        var output = Tensor.Allocate([n, c, outHeight, outWidth]);
        using (var x = input.ContiguousNoGrad())
        {
            float* px = x.FloatPointer, py = output.FloatPointer;
            for (int plane = 0; plane < n * c; plane++)
            {
                float* src = px + (long)plane * h * w;
                float* dst = py + (long)plane * outHeight * outWidth;
                for (int oy = 0; oy < outHeight; oy++)
                {
                    float* s = src + rows[oy] * w;
                    float* d = dst + oy * outWidth;
                    for (int ox = 0; ox < outWidth; ox++) d[ox] = s[cols[ox]];
                }
            }
        }
        var inShape = input.Shape.ToArray();
        return Autograd.Record(output, "upsample_nearest", [input], (g, gi) =>
        {
            var gx = Tensor.Zeros(inShape);
            using var gc = g.ContiguousNoGrad();
            float* pg = gc.FloatPointer, pgx = gx.FloatPointer;
            for (int plane = 0; plane < n * c; plane++)
            {
                float* src = pg + (long)plane * outHeight * outWidth;
                float* dst = pgx + (long)plane * h * w;
                for (int oy = 0; oy < outHeight; oy++)
                {
                    float* d = dst + rows[oy] * w;
                    float* s = src + oy * outWidth;
                    for (int ox = 0; ox < outWidth; ox++) d[cols[ox]] += s[ox];
                }
            }
            gi[0] = gx;
        });
    }

    /// <summary>Nearest upsampling by an integer factor.</summary>
    public static Tensor UpsampleNearest(Tensor input, int scale) => UpsampleNearest(input, input.Size(2) * scale, input.Size(3) * scale);

    private static int[] NearestIndices(int inSize, int outSize)
    {
        // torch computes the source index as floor(dst * (in / out)) in float32.
        float scale = (float)inSize / outSize;
        var idx = new int[outSize];
        for (int i = 0; i < outSize; i++) idx[i] = Math.Min((int)MathF.Floor(i * scale), inSize - 1);
        return idx;
    }
}
