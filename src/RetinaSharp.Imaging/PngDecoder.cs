namespace RetinaSharp.Imaging;

/// <summary>PNG decoder (placeholder until the full decoder lands).</summary>
public static class PngDecoder
{
    public static bool IsPng(ReadOnlySpan<byte> data) =>
        data.Length >= 8 && data[0] == 0x89 && data[1] == (byte)'P' && data[2] == (byte)'N' && data[3] == (byte)'G';

    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecodeOptions? options = null) =>
        throw new InvalidImageException("PNG decoding is not available in this build.");
}
