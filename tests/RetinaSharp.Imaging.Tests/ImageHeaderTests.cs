using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Imaging.Tests;

public sealed class ImageHeaderTests
{
    [Fact]
    public void ReadsPngSize()
    {
        using var dir = new TempDir();
        var path = dir["a.png"];
        File.WriteAllBytes(path, PngEncoder.Encode(new RgbImage(37, 12)));
        Assert.Equal((37, 12), ImageHeader.ReadSize(path));
    }

    [Fact]
    public void ReadsJpegSizeAfterOtherSegments()
    {
        // SOI, an APP1 segment of 20 bytes, a DQT-like segment, then SOF0 with height 300, width 451.
        var bytes = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x14 };
        bytes.AddRange(new byte[18]);
        bytes.AddRange([0xFF, 0xDB, 0x00, 0x04, 0x00, 0x00]);
        bytes.AddRange([0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0x2C, 0x01, 0xC3, 0x03]);
        bytes.AddRange(new byte[9]);
        bytes.AddRange([0xFF, 0xD9]);
        using var stream = new MemoryStream(bytes.ToArray());
        Assert.Equal((451, 300), ImageHeader.ReadSize(stream));
    }

    [Fact]
    public void RejectsTruncatedAndUnknownFilesNamingThePath()
    {
        using var dir = new TempDir();
        var truncated = dir.Write("t.jpg", "");
        File.WriteAllBytes(truncated, [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x00]);
        var e1 = Assert.Throws<InvalidImageException>(() => ImageHeader.ReadSize(truncated));
        Assert.Contains(truncated, e1.Message);
        Assert.Contains("truncated", e1.Message);
        var text = dir.Write("x.png", "hello world, not an image");
        var e2 = Assert.Throws<InvalidImageException>(() => ImageHeader.ReadSize(text));
        Assert.Contains("unrecognised signature", e2.Message);
        var e3 = Assert.Throws<InvalidImageException>(() => ImageHeader.ReadSize(dir["missing.png"]));
        Assert.Contains("missing.png", e3.Message);
    }
}
