using System.Buffers.Binary;

namespace RetinaSharp.Imaging.Jpeg;

/// <summary>
/// The EXIF orientation tag (0x0112): how the stored pixels must be turned to show the scene
/// upright. 1 = as stored, 2 = mirrored left-right, 3 = rotated 180°, 4 = mirrored top-bottom,
/// 5 = transposed, 6 = needs a 90° clockwise turn, 7 = transversed, 8 = needs a 90° anticlockwise turn.
/// </summary>
internal static class ExifOrientation
{
    private const int OrientationTag = 0x0112;
    private const int TypeShort = 3;
    private const int TypeLong = 4;

    /// <summary>
    /// Reads the orientation from the TIFF structure inside an Exif APP1 segment (after "Exif\0\0"),
    /// in either byte order. Returns 1 when the tag is absent, malformed or out of range.
    /// </summary>
    public static int Read(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8) return 1;
        bool little;
        if (tiff[0] == 'I' && tiff[1] == 'I') little = true;
        else if (tiff[0] == 'M' && tiff[1] == 'M') little = false;
        else return 1;
        if (U16(tiff, 2, little) != 42) return 1;
        long ifd = U32(tiff, 4, little);
        if (ifd > tiff.Length - 2) return 1;
        int entries = U16(tiff, (int)ifd, little);
        for (int i = 0; i < entries; i++)
        {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > tiff.Length) return 1;
            int at = (int)entry;
            if (U16(tiff, at, little) != OrientationTag) continue;
            int type = U16(tiff, at + 2, little);
            long value = type switch
            {
                TypeShort => U16(tiff, at + 8, little),
                TypeLong => U32(tiff, at + 8, little),
                _ => 0,
            };
            return value is >= 1 and <= 8 ? (int)value : 1;
        }
        return 1;
    }

    /// <summary>Returns the image turned upright for <paramref name="orientation"/> (the same instance for 1).</summary>
    public static RgbImage Apply(RgbImage image, int orientation)
    {
        if (orientation is < 2 or > 8) return image;
        int w = image.Width;
        int h = image.Height;
        bool swap = orientation >= 5;
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        var result = new RgbImage(outW, outH);
        var src = image.Pixels.AsSpan();
        // For output row y the source pixel of column x is start(y) + x·step (in pixels).
        for (int y = 0; y < outH; y++)
        {
            (int start, int step) = orientation switch
            {
                2 => (y * w + w - 1, -1),
                3 => ((h - 1 - y) * w + w - 1, -1),
                4 => ((h - 1 - y) * w, 1),
                5 => (y, w),
                6 => ((h - 1) * w + y, -w),
                7 => ((h - 1) * w + w - 1 - y, -w),
                _ => (w - 1 - y, w),
            };
            var row = result.Row(y);
            int s = start * 3;
            int d = step * 3;
            for (int x = 0; x < outW; x++, s += d)
            {
                row[3 * x] = src[s];
                row[3 * x + 1] = src[s + 1];
                row[3 * x + 2] = src[s + 2];
            }
        }
        return result;
    }

    private static int U16(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    private static long U32(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
}
