namespace RetinaSharp.Imaging.Drawing;

public static partial class Draw
{
    /// <summary>
    /// Outlines the box (x1, y1)-(x2, y2) with lines <paramref name="thickness"/> pixels wide, drawn inward so the
    /// outline never extends past the box; a box thinner than twice the thickness comes out filled.
    /// </summary>
    public static void Rectangle(RgbImage image, float x1, float y1, float x2, float y2, RgbColor color, int thickness = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(thickness, 1);
        if (!TryPixelRange(x1, x2, out int left, out int right) || !TryPixelRange(y1, y2, out int top, out int bottom)) return;
        long t = thickness;
        FillClipped(image, left, top, right, Math.Min(top + t, bottom), color);
        FillClipped(image, left, Math.Max(bottom - t, top), right, bottom, color);
        FillClipped(image, left, top, Math.Min(left + t, right), bottom, color);
        FillClipped(image, Math.Max(right - t, left), top, right, bottom, color);
    }

    /// <summary>
    /// Fills the box (x1, y1)-(x2, y2). <paramref name="opacity"/> in [0, 1] blends the colour over the image
    /// (1 paints it, 0 or NaN leaves the image unchanged).
    /// </summary>
    public static void FillRectangle(RgbImage image, float x1, float y1, float x2, float y2, RgbColor color, float opacity = 1f)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!TryPixelRange(x1, x2, out int left, out int right) || !TryPixelRange(y1, y2, out int top, out int bottom)) return;
        if (float.IsNaN(opacity)) return;
        int alpha = (int)MathF.Round(Math.Clamp(opacity, 0f, 1f) * 255f);
        if (alpha == 255) FillClipped(image, left, top, right, bottom, color);
        else if (alpha > 0) BlendClipped(image, left, top, right, bottom, color, alpha);
    }
}
