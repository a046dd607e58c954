using System.Buffers;
using System.Runtime.InteropServices;
using RetinaSharp.Imaging;
using RetinaSharp.Structures;

namespace RetinaSharp.Data.Transforms;

/// <summary>
/// The input side of the detector, as torchvision's GeneralizedRCNNTransform does it: RGB bytes to
/// floats in [0, 1], normalised by mean and std, resized bilinearly so the shorter side reaches
/// the target without the longer passing MaxSize, then padded into a batch. Boxes follow the image
/// by per-axis ratios. All arithmetic is float32 in torch's order, so results match it.
/// </summary>
public sealed class DetectionTransform
{
    private readonly float[] _lut;

    public DetectionTransform(TransformOptions? options = null)
    {
        Options = options ?? TransformOptions.Default;
        Options.Validate();
        // Every byte value maps to one float per channel; a table keeps the exact float32 result of (b / 255 − mean) / std.
        _lut = new float[3 * 256];
        for (int c = 0; c < 3; c++)
        {
            float mean = Options.Mean[c], std = Options.Std[c];
            for (int b = 0; b < 256; b++) _lut[c * 256 + b] = (b / 255f - mean) / std;
        }
    }

    public TransformOptions Options { get; }

    /// <summary>The shorter-side target used for evaluation (the last of MinSizes).</summary>
    public int EvaluationMinSize => Options.MinSizes[^1];

    /// <summary>
    /// torchvision's resize factor: min(minSize / short side, maxSize / long side), each quotient
    /// computed in float32 as a reciprocal times the size (how torch evaluates a Python number
    /// divided by a tensor), returned as the double the scale factor is passed on as.
    /// </summary>
    public static double ResizeScale(ImageSize original, int minSize, int maxSize)
    {
        if (!original.IsKnown) throw new ArgumentException($"Image size {original} is not positive.", nameof(original));
        float shortSide = Math.Min(original.Height, original.Width);
        float longSide = Math.Max(original.Height, original.Width);
        float byShort = (1f / shortSide) * minSize;
        float byLong = (1f / longSide) * maxSize;
        return Math.Min(byShort, byLong);
    }

    /// <summary>
    /// The resized image size: floor(side · scale) per side, as interpolate computes it with
    /// recompute_scale_factor. Where that is 0 (an extremely elongated image) torch fails; we use 1.
    /// </summary>
    public static ImageSize ResizedSize(ImageSize original, int minSize, int maxSize)
    {
        double scale = ResizeScale(original, minSize, maxSize);
        return new ImageSize(Math.Max(1, BilinearResize.ScaledSize(original.Height, scale)),
                             Math.Max(1, BilinearResize.ScaledSize(original.Width, scale)));
    }

    public ImageSize ResizedSize(ImageSize original, int minSize) => ResizedSize(original, minSize, Options.MaxSize);

    /// <summary><see cref="ResizedSize(ImageSize, int, int)"/> as a (height, width) pair.</summary>
    public static (int Height, int Width) ResizedSize(int height, int width, int minSize, int maxSize)
    {
        var size = ResizedSize(new ImageSize(height, width), minSize, maxSize);
        return (size.Height, size.Width);
    }

    /// <summary>The padded batch size: the largest height and width, each rounded up to a multiple of <paramref name="divisible"/>.</summary>
    public static ImageSize PaddedSize(ReadOnlySpan<ImageSize> sizes, int divisible)
    {
        int h = 0, w = 0;
        foreach (var s in sizes)
        {
            h = Math.Max(h, s.Height);
            w = Math.Max(w, s.Width);
        }
        return new ImageSize(RoundUp(h, divisible), RoundUp(w, divisible));
    }

    private static int RoundUp(int value, int divisible) => checked((value + divisible - 1) / divisible * divisible);

    /// <summary>
    /// Normalises the image into <paramref name="destination"/> (3 × height × width floats),
    /// mirrored left-right when <paramref name="flip"/> is set.
    /// </summary>
    public void Normalize(RgbImage image, bool flip, Span<float> destination)
    {
        int h = image.Height, w = image.Width, plane = h * w;
        if (destination.Length < 3 * plane) throw new ArgumentException($"Destination holds {destination.Length} floats, {3 * plane} needed.", nameof(destination));
        var lut = _lut.AsSpan();
        var lr = lut[..256];
        var lg = lut.Slice(256, 256);
        var lb = lut.Slice(512, 256);
        var pixels = image.Pixels.AsSpan();
        for (int y = 0; y < h; y++)
        {
            var row = pixels.Slice(y * w * 3, w * 3);
            var r = destination.Slice(y * w, w);
            var g = destination.Slice(plane + y * w, w);
            var b = destination.Slice(2 * plane + y * w, w);
            for (int x = 0; x < w; x++)
            {
                int sx = (flip ? w - 1 - x : x) * 3;
                r[x] = lr[row[sx]];
                g[x] = lg[row[sx + 1]];
                b[x] = lb[row[sx + 2]];
            }
        }
    }

    /// <summary>
    /// Normalises, optionally flips, and resizes one image for shorter-side target
    /// <paramref name="minSize"/>; returns 3 × resized.Height × resized.Width floats.
    /// </summary>
    public float[] Apply(RgbImage image, int minSize, bool flip, out ImageSize resized, int maxDegreeOfParallelism = 1)
    {
        resized = ResizedSize(new ImageSize(image.Height, image.Width), minSize);
        var result = new float[3 * resized.Height * resized.Width];
        ApplyInto(image, resized, flip, result, resized.Width, (long)resized.Height * resized.Width, maxDegreeOfParallelism);
        return result;
    }

    /// <summary>Like <see cref="Apply(RgbImage, int, bool, out ImageSize, int)"/>, writing into a region of a larger (batch) buffer with the given strides.</summary>
    public void ApplyInto(RgbImage image, ImageSize resized, bool flip, Span<float> destination, int rowStride, long channelStride, int maxDegreeOfParallelism = 1)
    {
        int plane = image.Height * image.Width;
        var scratch = ArrayPool<float>.Shared.Rent(3 * plane);
        try
        {
            Normalize(image, flip, scratch);
            BilinearResize.Resize(scratch.AsSpan(0, 3 * plane), 3, image.Height, image.Width, destination,
                resized.Height, resized.Width, rowStride, channelStride, maxDegreeOfParallelism);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>Normalises, optionally flips, and resizes one image for the given shorter-side target and cap.</summary>
    public TransformedImage Apply(RgbImage image, int minSize, int maxSize, bool flip = false)
    {
        var resized = ResizedSize(new ImageSize(image.Height, image.Width), minSize, maxSize);
        var chw = new float[3 * resized.Height * resized.Width];
        ApplyInto(image, resized, flip, chw, resized.Width, (long)resized.Height * resized.Width);
        return new TransformedImage(chw, resized.Height, resized.Width, image.Height, image.Width);
    }

    /// <summary>The same transform for an image given as RGB floats in [0, 1], CHW (torchvision's input type).</summary>
    public TransformedImage Apply(ReadOnlySpan<float> chw01, int height, int width, int minSize, int maxSize)
    {
        int plane = height * width;
        if (chw01.Length != 3 * plane) throw new ArgumentException($"Expected {3 * plane} floats for a 3x{height}x{width} image, got {chw01.Length}.", nameof(chw01));
        var normalized = ArrayPool<float>.Shared.Rent(3 * plane);
        try
        {
            for (int c = 0; c < 3; c++)
            {
                float mean = Options.Mean[c], std = Options.Std[c];
                var src = chw01.Slice(c * plane, plane);
                var dst = normalized.AsSpan(c * plane, plane);
                for (int i = 0; i < plane; i++) dst[i] = (src[i] - mean) / std;
            }
            var resized = ResizedSize(new ImageSize(height, width), minSize, maxSize);
            var chw = BilinearResize.Resize(normalized.AsSpan(0, 3 * plane), 3, height, width, resized.Height, resized.Width);
            return new TransformedImage(chw, resized.Height, resized.Width, height, width);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(normalized);
        }
    }

    /// <summary>
    /// Flat (x1, y1, x2, y2) boxes of the original image moved into a transformed one: mirrored if
    /// <paramref name="flip"/>, then scaled per axis (the float arithmetic of <see cref="FlipBoxes"/> and <see cref="ScaleBoxes"/>).
    /// </summary>
    public static float[] TransformBoxes(ReadOnlySpan<float> boxes, TransformedImage t, bool flip)
    {
        var b = MemoryMarshal.Cast<float, Box>(boxes);
        var from = new ImageSize(t.OriginalHeight, t.OriginalWidth);
        var scaled = ScaleBoxes(flip ? FlipBoxes(b, t.OriginalWidth) : b, from, new ImageSize(t.Height, t.Width));
        return MemoryMarshal.Cast<Box, float>(scaled.AsSpan()).ToArray();
    }

    /// <summary>The padded batch (height, width) for transformed images.</summary>
    public (int Height, int Width) BatchSize(IReadOnlyList<TransformedImage> images)
    {
        var sizes = new ImageSize[images.Count];
        for (int i = 0; i < sizes.Length; i++) sizes[i] = new ImageSize(images[i].Height, images[i].Width);
        var padded = PaddedSize(sizes, Options.SizeDivisible);
        return (padded.Height, padded.Width);
    }

    /// <summary>Copies transformed images into a new zero-padded [N, 3, height, width] array.</summary>
    public float[] Pad(IReadOnlyList<TransformedImage> images, int height, int width)
    {
        var data = new float[images.Count * 3 * height * width];
        for (int n = 0; n < images.Count; n++)
        {
            var t = images[n];
            if (t.Height > height || t.Width > width) throw new ArgumentException($"Image {n} ({t.Width}x{t.Height}) does not fit a {width}x{height} batch.", nameof(images));
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < t.Height; y++)
                    t.Chw.AsSpan((c * t.Height + y) * t.Width, t.Width).CopyTo(data.AsSpan(((n * 3 + c) * height + y) * width, t.Width));
        }
        return data;
    }

    /// <summary>
    /// Scales boxes from an image of size <paramref name="from"/> to one of size <paramref name="to"/>
    /// by the per-axis ratios to/from in float32 (torchvision's resize_boxes). Use resized/original
    /// for targets and original/resized to map predictions back.
    /// </summary>
    public static Box[] ScaleBoxes(ReadOnlySpan<Box> boxes, ImageSize from, ImageSize to)
    {
        float rw = (float)to.Width / from.Width;
        float rh = (float)to.Height / from.Height;
        var result = new Box[boxes.Length];
        for (int i = 0; i < boxes.Length; i++)
        {
            var b = boxes[i];
            result[i] = new Box(b.X1 * rw, b.Y1 * rh, b.X2 * rw, b.Y2 * rh);
        }
        return result;
    }

    /// <summary>Mirrors boxes left-right in an image <paramref name="imageWidth"/> wide: x1' = W − x2, x2' = W − x1.</summary>
    public static Box[] FlipBoxes(ReadOnlySpan<Box> boxes, int imageWidth)
    {
        float w = imageWidth;
        var result = new Box[boxes.Length];
        for (int i = 0; i < boxes.Length; i++)
        {
            var b = boxes[i];
            result[i] = new Box(w - b.X2, b.Y1, w - b.X1, b.Y2);
        }
        return result;
    }

    /// <summary>A left-right mirror copy of an image.</summary>
    public static RgbImage FlipImage(RgbImage image)
    {
        var result = new RgbImage(image.Width, image.Height);
        int w = image.Width;
        for (int y = 0; y < image.Height; y++)
        {
            var src = image.Row(y);
            var dst = result.Row(y);
            for (int x = 0; x < w; x++) src.Slice((w - 1 - x) * 3, 3).CopyTo(dst.Slice(x * 3, 3));
        }
        return result;
    }
}
