using RetinaSharp.Imaging.Drawing;

namespace RetinaSharp.Imaging.Tests.Drawing;

/// <summary>Small helpers for reading pixels back in drawing tests.</summary>
internal static class Canvas
{
    public static RgbImage Filled(int width, int height, byte value)
    {
        var image = new RgbImage(width, height);
        image.Pixels.AsSpan().Fill(value);
        return image;
    }

    public static RgbColor At(RgbImage image, int x, int y)
    {
        var p = image.Row(y).Slice(3 * x, 3);
        return new RgbColor(p[0], p[1], p[2]);
    }

    /// <summary>Every pixel that differs from <paramref name="background"/>.</summary>
    public static HashSet<(int X, int Y)> Changed(RgbImage image, RgbColor background)
    {
        var set = new HashSet<(int, int)>();
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                if (At(image, x, y) != background) set.Add((x, y));
        return set;
    }

    public static HashSet<(int X, int Y)> Block(int x0, int y0, int x1, int y1)
    {
        var set = new HashSet<(int, int)>();
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++) set.Add((x, y));
        return set;
    }
}
