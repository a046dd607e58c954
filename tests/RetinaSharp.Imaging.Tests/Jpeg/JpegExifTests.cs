using RetinaSharp.Imaging;
using Xunit;

namespace RetinaSharp.Imaging.Tests.Jpeg;

/// <summary>
/// EXIF orientation is read in both TIFF byte orders and applied only on request. References are
/// djpeg's decoding turned upright with numpy (and checked against PIL's exif_transpose when the
/// fixtures were made).
/// </summary>
public sealed class JpegExifTests
{
    public static TheoryData<int, string> Orientations()
    {
        var data = new TheoryData<int, string>();
        for (int n = 1; n <= 8; n++) data.Add(n, $"orientation-{n}-{(n % 2 == 1 ? "be" : "le")}.jpg");
        return data;
    }

    private static readonly ImageDecodeOptions Upright = new() { ApplyExifOrientation = true };

    [Theory]
    [MemberData(nameof(Orientations))]
    public void ReadsTheOrientationTag(int orientation, string file) =>
        Assert.Equal(orientation, JpegDecoder.ReadExifOrientation(JpegFixtures.Read("Exif", file)));

    [Theory]
    [MemberData(nameof(Orientations))]
    public void KeepsStoredPixelsByDefault(int orientation, string file)
    {
        _ = orientation;
        var stored = JpegFixtures.Reference("Exif", "orientation-1");
        var image = JpegDecoder.Decode(JpegFixtures.Read("Exif", file));
        Assert.Equal(0, JpegFixtures.MaxAbsDiff(stored, image));
        Assert.Equal(0, JpegFixtures.MaxAbsDiff(stored, ImageFile.Decode(JpegFixtures.Read("Exif", file))));
    }

    [Theory]
    [MemberData(nameof(Orientations))]
    public void TurnsPixelsUprightWhenAsked(int orientation, string file)
    {
        var expected = JpegFixtures.Reference("Exif", $"orientation-{orientation}");
        var data = JpegFixtures.Read("Exif", file);
        Assert.Equal(0, JpegFixtures.MaxAbsDiff(expected, JpegDecoder.Decode(data, Upright)));
        Assert.Equal(0, JpegFixtures.MaxAbsDiff(expected, ImageFile.Decode(data, Upright)));
    }

    [Fact]
    public void HandlesExifWrittenByPil()
    {
        var data = JpegFixtures.Read("Exif", "pil-orientation-6.jpg");
        Assert.Equal(6, JpegDecoder.ReadExifOrientation(data));
        var image = JpegDecoder.Decode(data, Upright);
        Assert.Equal((13, 21), (image.Width, image.Height));
        Assert.Equal(0, JpegFixtures.MaxAbsDiff(JpegFixtures.Reference("Exif", "pil-orientation-6"), image));
    }

    [Fact]
    public void ReportsUprightWhenThereIsNoExif()
    {
        var data = JpegFixtures.Read("Decode", "baseline-420-64x48.jpg");
        Assert.Equal(1, JpegDecoder.ReadExifOrientation(data));
        Assert.Equal(0, JpegFixtures.MaxAbsDiff(JpegFixtures.Reference("Decode", "baseline-420-64x48"), JpegDecoder.Decode(data, Upright)));
        Assert.Equal(1, JpegDecoder.ReadExifOrientation("not a jpeg"u8));
        Assert.Equal(1, JpegDecoder.ReadExifOrientation([]));
    }

    /// <summary>Builds a file with the given TIFF bytes in an Exif APP1 segment right after SOI.</summary>
    private static byte[] WithTiff(params byte[] tiff)
    {
        var baseline = JpegFixtures.Read("Decode", "baseline-420-33x17.jpg");
        return JpegBytes.Insert(baseline, 2, JpegBytes.MakeSegment(0xE1, [.. "Exif\0\0"u8, .. tiff]));
    }

    private static byte[] LittleEndianTiff(ushort type, uint value, ushort entries = 1, uint ifdOffset = 8) =>
    [
        (byte)'I', (byte)'I', 42, 0, (byte)ifdOffset, (byte)(ifdOffset >> 8), (byte)(ifdOffset >> 16), (byte)(ifdOffset >> 24),
        (byte)entries, (byte)(entries >> 8),
        0x12, 0x01, (byte)type, (byte)(type >> 8), 1, 0, 0, 0, (byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24),
        0, 0, 0, 0,
    ];

    [Fact]
    public void ReadsALongOrientationValue() => Assert.Equal(8, JpegDecoder.ReadExifOrientation(WithTiff(LittleEndianTiff(4, 8))));

    public static TheoryData<byte[]> MalformedTiff() => new(
    [
        LittleEndianTiff(3, 9),                          // orientation out of range
        LittleEndianTiff(3, 0),
        LittleEndianTiff(7, 6),                          // not a number type
        LittleEndianTiff(3, 6, entries: 40),             // more entries than bytes: the tag is still found first
        LittleEndianTiff(3, 6, ifdOffset: 4000),         // IFD outside the segment
        [(byte)'I', (byte)'M', 42, 0, 8, 0, 0, 0],       // unknown byte order
        [(byte)'M', (byte)'M', 0, 43, 0, 0, 0, 8],       // wrong magic number
        [(byte)'I', (byte)'I', 42],                      // truncated header
    ]);

    [Theory]
    [MemberData(nameof(MalformedTiff))]
    public void IgnoresMalformedExifAndStillDecodes(byte[] tiff)
    {
        var data = WithTiff(tiff);
        int orientation = JpegDecoder.ReadExifOrientation(data);
        // The one case above whose IFD is readable up to the tag still yields it.
        Assert.Contains(orientation, new[] { 1, 6 });
        var image = JpegDecoder.Decode(data, Upright);
        var expected = JpegFixtures.Reference("Decode", "baseline-420-33x17");
        if (orientation == 1) Assert.Equal(0, JpegFixtures.MaxAbsDiff(expected, image));
        else Assert.Equal((17, 33), (image.Width, image.Height));
    }
}
