namespace RetinaSharp.Imaging;

/// <summary>
/// Bilinear resampling of float planes exactly as torch.nn.functional.interpolate(mode="bilinear",
/// align_corners=False) without antialiasing: source coordinate (dst + 0.5)·(in/out) − 0.5, clamped
/// at 0, in float32 with torch's operation order.
/// </summary>
public static class Resize
{
    /// <summary>Resizes <paramref name="channels"/> planes of height×width stored one after another (CHW).</summary>
    public static float[] BilinearChw(ReadOnlySpan<float> src, int channels, int height, int width, int outHeight, int outWidth)
    {
        if (src.Length != channels * height * width) throw new ArgumentException("Source length does not match channels × height × width.");
        if (outHeight <= 0 || outWidth <= 0) throw new ArgumentOutOfRangeException(nameof(outHeight), "Output size must be positive.");
        var dst = new float[channels * outHeight * outWidth];
        var (y0, y1, ly0, ly1) = Weights(height, outHeight);
        var (x0, x1, lx0, lx1) = Weights(width, outWidth);
        var srcArr = src.ToArray();
        Parallel.For(0, channels * outHeight, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, row =>
        {
            int c = row / outHeight, oy = row % outHeight;
            int planeIn = c * height * width;
            int r0 = planeIn + y0[oy] * width, r1 = planeIn + y1[oy] * width;
            float h0 = ly0[oy], h1 = ly1[oy];
            int o = (c * outHeight + oy) * outWidth;
            for (int ox = 0; ox < outWidth; ox++)
            {
                float w0 = lx0[ox], w1 = lx1[ox];
                int a = x0[ox], b = x1[ox];
                dst[o + ox] = h0 * (w0 * srcArr[r0 + a] + w1 * srcArr[r0 + b]) + h1 * (w0 * srcArr[r1 + a] + w1 * srcArr[r1 + b]);
            }
        });
        return dst;
    }

    private static (int[] I0, int[] I1, float[] L0, float[] L1) Weights(int inSize, int outSize)
    {
        float scale = (float)inSize / outSize;
        var i0 = new int[outSize]; var i1 = new int[outSize]; var l0 = new float[outSize]; var l1 = new float[outSize];
        for (int d = 0; d < outSize; d++)
        {
            float s = scale * (d + 0.5f) - 0.5f;
            if (s < 0) s = 0;
            int i = (int)s;
            int step = i < inSize - 1 ? 1 : 0;
            float lambda = s - i;
            i0[d] = i;
            i1[d] = i + step;
            l1[d] = lambda;
            l0[d] = 1 - lambda;
        }
        return (i0, i1, l0, l1);
    }
}
