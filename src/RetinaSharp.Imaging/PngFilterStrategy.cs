namespace RetinaSharp.Imaging;

/// <summary>How <see cref="PngEncoder"/> chooses the filter for each scanline.</summary>
public enum PngFilterStrategy
{
    /// <summary>Per row, the filter whose output has the smallest sum of absolute values (as signed bytes).</summary>
    Adaptive,
    None,
    Sub,
    Up,
    Average,
    Paeth,
}
