namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// Per-pixel coverage (0..1) of one object over a rectangle of the image; pixels outside the rectangle
/// have coverage 0. A pixel belongs to the object when its coverage is at least <see cref="Threshold"/>.
/// </summary>
public sealed class CoverageMask
{
    /// <summary>Coverage at or above which a pixel counts as part of the object.</summary>
    public const float Threshold = 0.5f;

    public CoverageMask(int x, int y, int width, int height, float[] values)
    {
        if (width < 0 || height < 0) throw new ArgumentOutOfRangeException(nameof(width), "Mask size must not be negative.");
        if (values.Length != width * height) throw new ArgumentException($"Expected {width * height} values, got {values.Length}.", nameof(values));
        X = x;
        Y = y;
        Width = width;
        Height = height;
        Values = values;
    }

    /// <summary>Image column of the rectangle's left edge.</summary>
    public int X { get; }

    /// <summary>Image row of the rectangle's top edge.</summary>
    public int Y { get; }
    public int Width { get; }
    public int Height { get; }

    /// <summary>Row-major coverage inside the rectangle.</summary>
    public float[] Values { get; }

    /// <summary>Coverage at image pixel (x, y); 0 outside the rectangle.</summary>
    public float this[int x, int y]
    {
        get
        {
            int lx = x - X, ly = y - Y;
            if ((uint)lx >= (uint)Width || (uint)ly >= (uint)Height) return 0;
            return Values[ly * Width + lx];
        }
    }

    /// <summary>The rectangle the mask spans (pixels with any coverage lie inside it).</summary>
    public PixelBox Bounds => new(X, Y, Width, Height);

    public CoverageMask Clone() => new(X, Y, Width, Height, (float[])Values.Clone());

    /// <summary>The tight box of the pixels at or above <see cref="Threshold"/> and how many there are.</summary>
    public (PixelBox Box, int Count) Measure() => Measure(Threshold);

    /// <summary>The tight box of the pixels whose coverage is at least <paramref name="threshold"/> (greater than 0 when it is 0) and their count.</summary>
    public (PixelBox Box, int Count) Measure(float threshold)
    {
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1, count = 0;
        var values = Values.AsSpan();
        for (int ly = 0; ly < Height; ly++)
        {
            var row = values.Slice(ly * Width, Width);
            for (int lx = 0; lx < row.Length; lx++)
            {
                float v = row[lx];
                if (threshold > 0 ? v < threshold : v <= 0) continue;
                count++;
                if (lx < minX) minX = lx;
                if (lx > maxX) maxX = lx;
                if (ly < minY) minY = ly;
                maxY = ly;
            }
        }
        if (count == 0) return (new PixelBox(X, Y, 0, 0), 0);
        return (new PixelBox(X + minX, Y + minY, maxX - minX + 1, maxY - minY + 1), count);
    }
}
