using RetinaSharp.Data.Transforms;
using RetinaSharp.Structures;

namespace RetinaSharp.Data.Loading;

/// <summary>Writes prepared samples straight into a padded batch tensor and moves their boxes along.</summary>
internal static class BatchAssembler
{
    public static DetectionBatch Assemble(IReadOnlyList<PreparedSample> samples, DetectionTransform transform, FloatBufferPool? pool,
        int maxDegreeOfParallelism, LoaderPosition position, LoaderPosition next, ImageSize padAtLeast = default)
    {
        int n = samples.Count;
        var sizes = new ImageSize[n];
        for (int i = 0; i < n; i++)
        {
            var image = samples[i].Image;
            sizes[i] = transform.ResizedSize(new ImageSize(image.Height, image.Width), samples[i].MinSize);
        }
        var padded = DetectionTransform.PaddedSize(sizes, transform.Options.SizeDivisible);
        // A slice of a larger batch is padded as the whole batch is, so every image sees the same border.
        if (padAtLeast.Height > padded.Height || padAtLeast.Width > padded.Width)
            padded = new ImageSize(Math.Max(padded.Height, padAtLeast.Height), Math.Max(padded.Width, padAtLeast.Width));
        int H = padded.Height, W = padded.Width;
        long plane = (long)H * W;
        int length = checked((int)(n * 3 * plane));
        var buffer = pool?.Rent(length) ?? new float[length];
        var items = new BatchItem[n];
        for (int i = 0; i < n; i++)
        {
            var s = samples[i];
            var size = sizes[i];
            var region = buffer.AsSpan((int)(i * 3 * plane), (int)(3 * plane));
            transform.ApplyInto(s.Image, size, s.Flip, region, W, plane, maxDegreeOfParallelism);
            ClearPadding(region, size, padded);
            items[i] = MakeItem(s, size);
        }
        return new DetectionBatch(buffer, padded, items, position, next, pool);
    }

    private static BatchItem MakeItem(PreparedSample s, ImageSize resized)
    {
        var original = new ImageSize(s.Image.Height, s.Image.Width);
        var boxes = s.Annotations.Boxes.AsSpan();
        var ignore = s.Annotations.IgnoreBoxes.AsSpan();
        // Flip first, in original pixels, like torchvision's reference transforms (which run before the model's resize).
        if (s.Flip)
        {
            boxes = DetectionTransform.FlipBoxes(boxes, original.Width);
            ignore = DetectionTransform.FlipBoxes(ignore, original.Width);
        }
        return new BatchItem(s.SampleIndex, s.ImageId, original, resized, s.Flip,
            DetectionTransform.ScaleBoxes(boxes, original, resized), s.Annotations.Labels,
            DetectionTransform.ScaleBoxes(ignore, original, resized), s.Annotations.IgnoreLabels);
    }

    /// <summary>Zeroes the part of one image's 3×H×W region outside its resized size (the buffer may be reused).</summary>
    private static void ClearPadding(Span<float> region, ImageSize size, ImageSize padded)
    {
        int H = padded.Height, W = padded.Width, plane = H * W;
        for (int c = 0; c < 3; c++)
        {
            var p = region.Slice(c * plane, plane);
            if (size.Width < W)
                for (int y = 0; y < size.Height; y++) p.Slice(y * W + size.Width, W - size.Width).Clear();
            p[(size.Height * W)..].Clear();
        }
    }
}
