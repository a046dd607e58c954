using RetinaSharp.Imaging;

namespace RetinaSharp.Imaging.Drawing;

/// <summary>Draws detections onto images for galleries and `retina predict --draw`.</summary>
public static class DetectionDrawing
{
    private static readonly (byte R, byte G, byte B)[] Palette =
    [
        (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48), (145, 30, 180),
        (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128), (170, 110, 40),
    ];

    /// <summary>A distinct colour per class index.</summary>
    public static (byte R, byte G, byte B) ColorFor(int label) => Palette[((label % Palette.Length) + Palette.Length) % Palette.Length];

    /// <summary>A box outline in the class colour with a label strip above it (inside when at the top edge).</summary>
    public static void DrawLabelledBox(RgbImage image, float x1, float y1, float x2, float y2, string text, int label, int thickness = 2)
    {
        if (!float.IsFinite(x1) || !float.IsFinite(y1) || !float.IsFinite(x2) || !float.IsFinite(y2)) return;
        var c = ColorFor(label);
        int ix1 = (int)MathF.Round(x1), iy1 = (int)MathF.Round(y1), ix2 = (int)MathF.Round(x2), iy2 = (int)MathF.Round(y2);
        for (int t = 0; t < thickness; t++)
        {
            FillRect(image, ix1 - t, iy1 - t, ix2 + t, iy1 - t, c);
            FillRect(image, ix1 - t, iy2 + t, ix2 + t, iy2 + t, c);
            FillRect(image, ix1 - t, iy1 - t, ix1 - t, iy2 + t, c);
            FillRect(image, ix2 + t, iy1 - t, ix2 + t, iy2 + t, c);
        }
        int stripH = 4;
        int sy = iy1 - thickness - stripH >= 0 ? iy1 - thickness - stripH : iy1;
        int stripW = Math.Max(6, Math.Min(ix2 - ix1, 6 * Math.Max(1, text.Length)));
        FillRect(image, ix1 - thickness + 1, sy, ix1 + stripW, sy + stripH - 1, c);
    }

    /// <summary>Fills the inclusive rectangle, clipped to the image.</summary>
    public static void FillRect(RgbImage image, int x1, int y1, int x2, int y2, (byte R, byte G, byte B) c)
    {
        int xa = Math.Max(0, Math.Min(x1, x2)), xb = Math.Min(image.Width - 1, Math.Max(x1, x2));
        int ya = Math.Max(0, Math.Min(y1, y2)), yb = Math.Min(image.Height - 1, Math.Max(y1, y2));
        for (int y = ya; y <= yb; y++)
        {
            var row = image.Row(y);
            for (int x = xa; x <= xb; x++)
            {
                row[x * 3] = c.R;
                row[x * 3 + 1] = c.G;
                row[x * 3 + 2] = c.B;
            }
        }
    }
}
