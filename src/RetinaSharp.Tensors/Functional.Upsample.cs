namespace RetinaSharp.Tensors;

public static unsafe partial class Functional
{
    /// <summary>
    /// Nearest-neighbour resize of [N, C, H, W] to [N, C, outHeight, outWidth] with torch's 'nearest'
    /// rule: source = min(floor(dst · (in/out as float)), in − 1). The gradient sums back over the copies.
    /// </summary>
    public static Tensor UpsampleNearest(Tensor input, int outHeight, int outWidth)
    {
        CheckUpsample(input, outHeight, outWidth);
        return UpsampleNearestCore(input, outHeight, outWidth, (float)input.Size(2) / outHeight, (float)input.Size(3) / outWidth);
    }

    /// <summary>Nearest upsampling by an integer factor (torch's interpolate(scale_factor=scale, mode='nearest')).</summary>
    public static Tensor UpsampleNearest(Tensor input, int scale)
    {
        if (scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), "The scale factor must be positive.");
        CheckUpsample(input, 1, 1);
        return UpsampleNearestCore(input, input.Size(2) * scale, input.Size(3) * scale, 1f / scale, 1f / scale);
    }

    /// <summary>
    /// Nearest resize by a scale factor per axis, as torch's interpolate(scale_factor=(sh, sw),
    /// mode='nearest'): the output is floor(in · s) and sources use 1/s rather than in/out.
    /// </summary>
    public static Tensor UpsampleNearest(Tensor input, double scaleH, double scaleW)
    {
        if (!(scaleH > 0) || !(scaleW > 0)) throw new ArgumentOutOfRangeException(nameof(scaleH), "Scale factors must be positive.");
        CheckUpsample(input, 1, 1);
        int oh = (int)Math.Floor(input.Size(2) * scaleH), ow = (int)Math.Floor(input.Size(3) * scaleW);
        CheckUpsample(input, oh, ow);
        return UpsampleNearestCore(input, oh, ow, (float)(1.0 / scaleH), (float)(1.0 / scaleW));
    }

    private static void CheckUpsample(Tensor input, int outHeight, int outWidth)
    {
        input.RequireFloat();
        if (input.Rank != 4) throw new ArgumentException($"UpsampleNearest needs [N, C, H, W], got {Tensor.FormatShape(input.Shape)}.");
        if (outHeight <= 0 || outWidth <= 0) throw new ArgumentException($"UpsampleNearest: invalid output size {outHeight}x{outWidth}.");
    }

    /// <summary>torch's nearest source index (identity and exact doubling are special-cased there too).</summary>
    private static int[] NearestSources(int inSize, int outSize, float scale)
    {
        var src = new int[outSize];
        for (int i = 0; i < outSize; i++)
        {
            if (outSize == inSize) src[i] = i;
            else if (outSize == 2 * inSize) src[i] = i >> 1;
            else src[i] = Math.Min((int)MathF.Floor(i * scale), inSize - 1);
        }
        return src;
    }

    private static Tensor UpsampleNearestCore(Tensor input, int oh, int ow, float scaleH, float scaleW)
    {
        int n = input.Size(0), c = input.Size(1), h = input.Size(2), w = input.Size(3);
        var sy = NearestSources(h, oh, scaleH);
        var sx = NearestSources(w, ow, scaleW);
        var output = Tensor.Allocate([n, c, oh, ow]);
        using (var x = input.ContiguousNoGrad())
        {
            nint px = (nint)x.FloatPointer, py = (nint)output.FloatPointer;
            ParallelRange.ForUnits(n * c, (long)oh * ow, (first, end) =>
            {
                for (int p = first; p < end; p++)
                    UpsamplePlane((float*)px + (long)p * h * w, (float*)py + (long)p * oh * ow, w, ow, sy, sx);
            });
        }
        return Autograd.Record(output, "upsample_nearest2d", [input], (g, gi) =>
        {
            using var gc = g.ContiguousNoGrad();
            var gx = Tensor.Zeros(input.Shape);
            nint pg = (nint)gc.FloatPointer, po = (nint)gx.FloatPointer;
            ParallelRange.ForUnits(n * c, (long)oh * ow, (first, end) =>
            {
                for (int p = first; p < end; p++)
                {
                    float* gp = (float*)pg + (long)p * oh * ow, op = (float*)po + (long)p * h * w;
                    for (int oy = 0; oy < oh; oy++)
                    {
                        float* dst = op + (long)sy[oy] * w;
                        float* src = gp + (long)oy * ow;
                        for (int ox = 0; ox < ow; ox++) dst[sx[ox]] += src[ox];
                    }
                }
            });
            gi[0] = gx;
        });
    }

    private static void UpsamplePlane(float* x, float* y, int w, int ow, int[] sy, int[] sx)
    {
        bool doubled = ow == 2 * w;
        for (int oy = 0; oy < sy.Length; oy++)
        {
            float* dst = y + (long)oy * ow;
            if (oy > 0 && sy[oy] == sy[oy - 1])
            {
                // Same source row as the previous output row: copy it.
                new ReadOnlySpan<float>(dst - ow, ow).CopyTo(new Span<float>(dst, ow));
                continue;
            }
            float* src = x + (long)sy[oy] * w;
            if (doubled)
            {
                for (int ix = 0; ix < w; ix++)
                {
                    float v = src[ix];
                    dst[2 * ix] = v;
                    dst[2 * ix + 1] = v;
                }
            }
            else
            {
                for (int ox = 0; ox < ow; ox++) dst[ox] = src[sx[ox]];
            }
        }
    }
}
