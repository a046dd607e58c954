namespace RetinaSharp.Structures;

/// <summary>An image size in pixels, height first like torchvision's image_sizes.</summary>
public readonly record struct ImageSize(int Height, int Width)
{
    /// <summary>True when both sides are known (positive).</summary>
    public bool IsKnown => Height > 0 && Width > 0;

    public override string ToString() => $"{Width}x{Height}";
}
