namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// A box on the pixel grid: the pixels X..X+Width-1 by Y..Y+Height-1. As a COCO bbox it is
/// [X, Y, Width, Height], since pixel i spans [i, i+1).
/// </summary>
public readonly record struct PixelBox(int X, int Y, int Width, int Height)
{
    public bool IsEmpty => Width <= 0 || Height <= 0;

    /// <summary>Exclusive right edge.</summary>
    public int Right => X + Width;

    /// <summary>Exclusive bottom edge.</summary>
    public int Bottom => Y + Height;

    /// <summary>The COCO [x, y, width, height] array.</summary>
    public double[] ToCocoBbox() => [X, Y, Width, Height];

    /// <summary>Whether the two boxes share a pixel once this one is grown by <paramref name="gap"/> pixels on every side.</summary>
    public bool Intersects(PixelBox other, int gap = 0) =>
        !IsEmpty && !other.IsEmpty &&
        X - gap < other.Right && other.X < Right + gap &&
        Y - gap < other.Bottom && other.Y < Bottom + gap;
}
