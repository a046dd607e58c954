namespace RetinaSharp.Imaging.Png;

/// <summary>One of the seven Adam7 sub-images: the pixels at (X0 + i*Dx, Y0 + j*Dy).</summary>
internal readonly record struct Adam7Pass(int X0, int Y0, int Dx, int Dy)
{
    public const int Count = 7;

    public static Adam7Pass Get(int index) => index switch
    {
        0 => new(0, 0, 8, 8),
        1 => new(4, 0, 8, 8),
        2 => new(0, 4, 4, 8),
        3 => new(2, 0, 4, 4),
        4 => new(0, 2, 2, 4),
        5 => new(1, 0, 2, 2),
        6 => new(0, 1, 1, 2),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Columns in this pass; 0 when the image is too narrow for it (the pass then has no data at all).</summary>
    public int Width(int imageWidth) => imageWidth <= X0 ? 0 : (imageWidth - X0 + Dx - 1) / Dx;

    public int Height(int imageHeight) => imageHeight <= Y0 ? 0 : (imageHeight - Y0 + Dy - 1) / Dy;
}
