namespace RetinaSharp.Imaging;

/// <summary>JPEG decoder (placeholder until the full decoder lands).</summary>
public static class JpegDecoder
{
    public static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecodeOptions? options = null) =>
        throw new InvalidImageException("JPEG decoding is not available in this build.");
}
