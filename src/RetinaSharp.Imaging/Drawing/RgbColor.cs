namespace RetinaSharp.Imaging.Drawing;

/// <summary>An opaque 8-bit RGB colour.</summary>
public readonly record struct RgbColor(byte R, byte G, byte B)
{
    public static RgbColor Black => new(0, 0, 0);
    public static RgbColor White => new(255, 255, 255);

    /// <summary>Rec. 601 luma in 0..255, enough to choose between black and white text on this colour.</summary>
    public int Luma => (299 * R + 587 * G + 114 * B + 500) / 1000;
}
