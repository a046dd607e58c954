namespace RetinaSharp.Imaging;

/// <summary>Limits and choices for decoding untrusted images.</summary>
public sealed record ImageDecodeOptions
{
    public static ImageDecodeOptions Default { get; } = new();

    /// <summary>Largest accepted width or height in pixels.</summary>
    public int MaxDimension { get; init; } = 1 << 15;

    /// <summary>Largest accepted pixel count (width * height).</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>
    /// Rotate/flip JPEG pixels by their EXIF orientation. Off by default, like PIL and torchvision,
    /// so that annotations made on the stored pixels stay aligned.
    /// </summary>
    public bool ApplyExifOrientation { get; init; }
}
