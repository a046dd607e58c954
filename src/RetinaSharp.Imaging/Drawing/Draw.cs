namespace RetinaSharp.Imaging.Drawing;

/// <summary>
/// Primitives for annotating images (detection galleries). Everything clips to the image: shapes partly or wholly
/// outside it, negative or huge coordinates are fine, and a shape with a NaN coordinate is not drawn at all.
/// Rectangles take continuous box coordinates (x1, y1, x2, y2) as detectors report them: the pixels covered are
/// columns round(x1) to round(x2) - 1 and rows round(y1) to round(y2) - 1, at least one of each.
/// </summary>
public static partial class Draw
{
    // Coordinates are clamped to this before conversion to integers, so huge or infinite values cannot overflow
    // while still lying far outside any image.
    private const float CoordinateLimit = 1 << 28;

    /// <summary>Pixel range [start, end) of the edges <paramref name="a"/>, <paramref name="b"/>; false for NaN.</summary>
    private static bool TryPixelRange(float a, float b, out int start, out int end)
    {
        start = end = 0;
        if (float.IsNaN(a) || float.IsNaN(b)) return false;
        if (a > b) (a, b) = (b, a);
        start = Round(a);
        end = Math.Max(Round(b), start + 1);
        return true;
    }

    private static int Round(float v) => (int)MathF.Floor(Math.Clamp(v, -CoordinateLimit, CoordinateLimit) + 0.5f);

    /// <summary>Paints [x0, x1) x [y0, y1), clipped to the image.</summary>
    private static void FillClipped(RgbImage image, long x0, long y0, long x1, long y1, RgbColor color)
    {
        if (!Clip(image, ref x0, ref y0, ref x1, ref y1)) return;
        for (long y = y0; y < y1; y++)
        {
            var row = image.Row((int)y).Slice((int)x0 * 3, (int)(x1 - x0) * 3);
            for (int i = 0; i < row.Length; i += 3)
            {
                row[i] = color.R;
                row[i + 1] = color.G;
                row[i + 2] = color.B;
            }
        }
    }

    /// <summary>Mixes <paramref name="color"/> into [x0, x1) x [y0, y1) with weight <paramref name="alpha"/>/255.</summary>
    private static void BlendClipped(RgbImage image, long x0, long y0, long x1, long y1, RgbColor color, int alpha)
    {
        if (!Clip(image, ref x0, ref y0, ref x1, ref y1)) return;
        int keep = 255 - alpha;
        int r = color.R * alpha + 127, g = color.G * alpha + 127, b = color.B * alpha + 127;
        for (long y = y0; y < y1; y++)
        {
            var row = image.Row((int)y).Slice((int)x0 * 3, (int)(x1 - x0) * 3);
            for (int i = 0; i < row.Length; i += 3)
            {
                // Rounded (old * (255 - alpha) + new * alpha) / 255.
                row[i] = (byte)((row[i] * keep + r) / 255);
                row[i + 1] = (byte)((row[i + 1] * keep + g) / 255);
                row[i + 2] = (byte)((row[i + 2] * keep + b) / 255);
            }
        }
    }

    private static bool Clip(RgbImage image, ref long x0, ref long y0, ref long x1, ref long y1)
    {
        x0 = Math.Max(x0, 0);
        y0 = Math.Max(y0, 0);
        x1 = Math.Min(x1, image.Width);
        y1 = Math.Min(y1, image.Height);
        return x0 < x1 && y0 < y1;
    }
}
