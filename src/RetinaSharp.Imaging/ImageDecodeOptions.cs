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
    /// Largest image file <see cref="ImageFile.Load"/> reads into memory. The default leaves room for
    /// an 8-bit RGBA PNG of <see cref="MaxPixels"/> stored without compression (400 MB).
    /// </summary>
    public long MaxFileBytes { get; init; } = 512L << 20;

    /// <summary>
    /// Rotate/flip JPEG pixels by their EXIF orientation. Off by default, like PIL and torchvision,
    /// so that annotations made on the stored pixels stay aligned.
    /// </summary>
    public bool ApplyExifOrientation { get; init; }
}
