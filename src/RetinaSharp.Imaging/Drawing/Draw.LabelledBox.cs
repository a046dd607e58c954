namespace RetinaSharp.Imaging.Drawing;

public static partial class Draw
{
    /// <summary>
    /// Outlines a detection box and puts <paramref name="label"/> (e.g. "circle 0.93") on a filled tab of the box's
    /// colour: above the box, or just inside its top edge when there is no room above. The tab is shifted left to
    /// stay within the image, and its text is black or white, whichever reads better on the colour.
    /// </summary>
    public static void LabelledBox(RgbImage image, float x1, float y1, float x2, float y2, string label, RgbColor color,
        int thickness = 2, int textScale = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(label);
        ArgumentOutOfRangeException.ThrowIfLessThan(thickness, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(textScale, 1);
        if (!TryPixelRange(x1, x2, out int left, out int right) || !TryPixelRange(y1, y2, out int top, out int bottom)) return;
        Rectangle(image, x1, y1, x2, y2, color, thickness);
        if (label.Length == 0 || right <= 0 || left >= image.Width || bottom <= 0 || top >= image.Height) return;

        var (textWidth, textHeight) = BitmapFont.Measure(label, textScale);
        // One font pixel of padding on the left and at the bottom; the cell already pads the top and right.
        long tabWidth = textWidth + textScale, tabHeight = textHeight + textScale;
        long tabY = top - tabHeight >= 0 ? top - tabHeight : Math.Max(top, 0);
        long tabX = Math.Max(Math.Min(left, image.Width - tabWidth), 0);
        FillClipped(image, tabX, tabY, tabX + tabWidth, tabY + tabHeight, color);
        var ink = color.Luma >= 128 ? RgbColor.Black : RgbColor.White;
        Text(image, label, (int)(tabX + textScale), (int)tabY, ink, textScale);
    }
}
