using RetinaSharp.Boxes;
using RetinaSharp.Imaging;

namespace RetinaSharp.Data.Transforms;

/// <summary>One image after the transform: normalised CHW floats at the resized size.</summary>
public sealed record TransformedImage(float[] Chw, int Height, int Width, int OriginalHeight, int OriginalWidth);

/// <summary>
/// torchvision's GeneralizedRCNNTransform: RGB bytes → [0, 1] → normalise with mean/std → bilinear
/// resize by scale = min(min_size / min(h, w), max_size / max(h, w)) to floor(dim · scale) → batch,
/// zero-padded at the bottom/right to a multiple of 32. Boxes move with the image.
/// </summary>
public sealed class DetectionTransform(float[] mean, float[] std, int sizeDivisible = 32)
{
    public float[] Mean { get; } = mean;
    public float[] Std { get; } = std;
    public int SizeDivisible { get; } = sizeDivisible;

    /// <summary>The resized (height, width) for an image, computed in float32 like torchvision.</summary>
    public static (int Height, int Width) ResizedSize(int height, int width, int minSize, int maxSize)
    {
        float minDim = Math.Min(height, width), maxDim = Math.Max(height, width);
        // torch evaluates `number / tensor` as reciprocal(tensor) · number; the rounding differs
        // from a direct division and decides floor() at exact ratios (48/61 → 47 rows, not 48).
        float scale = MathF.Min(1f / minDim * minSize, 1f / maxDim * maxSize);
        return ((int)Math.Floor(height * (double)scale), (int)Math.Floor(width * (double)scale));
    }

    /// <summary>Normalises and resizes one image; when <paramref name="flip"/>, mirrors it horizontally first.</summary>
    public TransformedImage Apply(RgbImage image, int minSize, int maxSize, bool flip = false)
    {
        int h = image.Height, w = image.Width;
        var chw = new float[3 * h * w];
        var px = image.Pixels;
        float m0 = Mean[0], m1 = Mean[1], m2 = Mean[2], s0 = Std[0], s1 = Std[1], s2 = Std[2];
        int plane = h * w;
        for (int y = 0; y < h; y++)
        {
            int row = y * w;
            for (int x = 0; x < w; x++)
            {
                int sx = flip ? w - 1 - x : x;
                int p = (row + sx) * 3;
                // to_tensor divides by 255 in float32, then normalise subtracts and divides.
                chw[row + x] = (px[p] / 255f - m0) / s0;
                chw[plane + row + x] = (px[p + 1] / 255f - m1) / s1;
                chw[2 * plane + row + x] = (px[p + 2] / 255f - m2) / s2;
            }
        }
        return ResizeNormalized(chw, h, w, minSize, maxSize);
    }

    /// <summary>The same transform for an image already given as RGB floats in [0, 1], CHW.</summary>
    public TransformedImage Apply(ReadOnlySpan<float> chw01, int height, int width, int minSize, int maxSize)
    {
        int plane = height * width;
        var chw = new float[3 * plane];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++)
                chw[c * plane + i] = (chw01[c * plane + i] - Mean[c]) / Std[c];
        return ResizeNormalized(chw, height, width, minSize, maxSize);
    }

    private static TransformedImage ResizeNormalized(float[] chw, int h, int w, int minSize, int maxSize)
    {
        var (oh, ow) = ResizedSize(h, w, minSize, maxSize);
        var resized = oh == h && ow == w ? chw : Resize.BilinearChw(chw, 3, h, w, oh, ow);
        return new TransformedImage(resized, oh, ow, h, w);
    }

    /// <summary>Boxes (x1, y1, x2, y2) of the original image moved to the transformed one (flip, then per-axis scale).</summary>
    public static float[] TransformBoxes(ReadOnlySpan<float> boxes, TransformedImage t, bool flip)
    {
        var b = boxes.ToArray();
        if (flip) BoxOps.FlipHorizontal(b, t.OriginalWidth);
        // torchvision: ratio = float32(resized) / float32(original), per axis.
        BoxOps.Scale(b, (float)t.Width / t.OriginalWidth, (float)t.Height / t.OriginalHeight);
        return b;
    }

    /// <summary>Padded batch size: the largest height and width rounded up to a multiple of <see cref="SizeDivisible"/>.</summary>
    public (int Height, int Width) BatchSize(IReadOnlyList<TransformedImage> images)
    {
        int h = 0, w = 0;
        foreach (var t in images) { h = Math.Max(h, t.Height); w = Math.Max(w, t.Width); }
        return ((h + SizeDivisible - 1) / SizeDivisible * SizeDivisible, (w + SizeDivisible - 1) / SizeDivisible * SizeDivisible);
    }

    /// <summary>Copies images into a zero-padded [N, 3, H, W] buffer.</summary>
    public float[] Pad(IReadOnlyList<TransformedImage> images, int height, int width)
    {
        var data = new float[images.Count * 3 * height * width];
        for (int n = 0; n < images.Count; n++)
        {
            var t = images[n];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < t.Height; y++)
                    Array.Copy(t.Chw, (c * t.Height + y) * t.Width, data, ((n * 3 + c) * height + y) * width, t.Width);
        }
        return data;
    }
}
