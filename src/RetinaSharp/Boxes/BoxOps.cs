using System.Runtime.CompilerServices;

namespace RetinaSharp.Boxes;

/// <summary>
/// Box arithmetic on (x1, y1, x2, y2) float spans, four values per box, in float32 with the same
/// operation order as torchvision.ops.boxes so IoU ties come out identical.
/// </summary>
public static class BoxOps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Area(ReadOnlySpan<float> b, int i) => (b[i * 4 + 2] - b[i * 4]) * (b[i * 4 + 3] - b[i * 4 + 1]);

    /// <summary>IoU of box i of <paramref name="a"/> (area <paramref name="areaA"/>) and box j of <paramref name="b"/> (area <paramref name="areaB"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Iou(ReadOnlySpan<float> a, int i, float areaA, ReadOnlySpan<float> b, int j, float areaB)
    {
        float w = MathF.Min(a[i * 4 + 2], b[j * 4 + 2]) - MathF.Max(a[i * 4], b[j * 4]);
        float h = MathF.Min(a[i * 4 + 3], b[j * 4 + 3]) - MathF.Max(a[i * 4 + 1], b[j * 4 + 1]);
        if (w < 0) w = 0;
        if (h < 0) h = 0;
        float inter = w * h;
        return inter / (areaA + areaB - inter);
    }

    /// <summary>The [n, m] IoU matrix (row-major) of boxes <paramref name="a"/> (n) against <paramref name="b"/> (m).</summary>
    public static float[] PairwiseIou(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length / 4, m = b.Length / 4;
        var result = new float[n * m];
        var areaB = new float[m];
        for (int j = 0; j < m; j++) areaB[j] = Area(b, j);
        for (int i = 0; i < n; i++)
        {
            float areaA = Area(a, i);
            for (int j = 0; j < m; j++) result[i * m + j] = Iou(a, i, areaA, b, j, areaB[j]);
        }
        return result;
    }

    /// <summary>Clamps x to [0, width] and y to [0, height] in place.</summary>
    public static void ClipToImage(Span<float> boxes, int height, int width)
    {
        for (int i = 0; i < boxes.Length; i += 4)
        {
            boxes[i] = Math.Clamp(boxes[i], 0, width);
            boxes[i + 1] = Math.Clamp(boxes[i + 1], 0, height);
            boxes[i + 2] = Math.Clamp(boxes[i + 2], 0, width);
            boxes[i + 3] = Math.Clamp(boxes[i + 3], 0, height);
        }
    }

    /// <summary>Scales x by <paramref name="ratioX"/> and y by <paramref name="ratioY"/> in place (torchvision's resize_boxes).</summary>
    public static void Scale(Span<float> boxes, float ratioX, float ratioY)
    {
        for (int i = 0; i < boxes.Length; i += 4)
        {
            boxes[i] *= ratioX;
            boxes[i + 1] *= ratioY;
            boxes[i + 2] *= ratioX;
            boxes[i + 3] *= ratioY;
        }
    }

    /// <summary>Mirrors boxes horizontally in an image of the given width: x1' = W − x2, x2' = W − x1.</summary>
    public static void FlipHorizontal(Span<float> boxes, float width)
    {
        for (int i = 0; i < boxes.Length; i += 4)
        {
            float x1 = boxes[i];
            boxes[i] = width - boxes[i + 2];
            boxes[i + 2] = width - x1;
        }
    }

    /// <summary>(x1, y1, x2, y2) → COCO (x, y, w, h).</summary>
    public static double[] ToXywh(ReadOnlySpan<float> boxes, int i) =>
        [boxes[i * 4], boxes[i * 4 + 1], boxes[i * 4 + 2] - boxes[i * 4], boxes[i * 4 + 3] - boxes[i * 4 + 1]];
}
