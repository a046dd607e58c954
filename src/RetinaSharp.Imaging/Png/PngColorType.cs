namespace RetinaSharp.Imaging.Png;

/// <summary>The IHDR colour type codes; the values are the ones stored in the file.</summary>
internal enum PngColorType : byte
{
    Gray = 0,
    Rgb = 2,
    Palette = 3,
    GrayAlpha = 4,
    Rgba = 6,
}
