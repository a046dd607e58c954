using RetinaSharp.Imaging;
using Xunit;

namespace RetinaSharp.Imaging.Tests.Jpeg;

/// <summary>Files in coding modes the decoder does not implement are refused with a message naming the mode.</summary>
public sealed class JpegRefusalTests
{
    private static readonly byte[] Baseline = JpegFixtures.Read("Decode", "baseline-420-64x48.jpg");

    private static string Refusal(byte[] data)
    {
        Assert.True(JpegDecoder.IsJpeg(data));
        return Assert.Throws<InvalidImageException>(() => JpegDecoder.Decode(data)).Message;
    }

    [Fact]
    public void RefusesCmykWrittenByPil()
    {
        var message = Refusal(JpegFixtures.Read("Refuse", "cmyk.jpg"));
        Assert.Contains("4-component (CMYK or YCCK)", message);
        Assert.Contains("not supported", message);
    }

    [Theory]
    [InlineData("arithmetic.jpg", "SOF9")]
    [InlineData("arithmetic-progressive.jpg", "SOF10")]
    public void RefusesArithmeticCodingWrittenByCjpeg(string file, string marker)
    {
        var message = Refusal(JpegFixtures.Read("Refuse", file));
        Assert.Contains("arithmetic-coded", message);
        Assert.Contains(marker, message);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(16)]
    public void RefusesHighPrecision(int bits)
    {
        var sof = JpegBytes.Find(Baseline, 0xC0);
        var message = Refusal(JpegBytes.Patch(Baseline, sof.Offset + 4, (byte)bits));
        Assert.Contains($"{bits}-bit sample precision is not supported", message);
    }

    [Theory]
    [InlineData(0xC3, "lossless JPEG (SOF3)")]
    [InlineData(0xC5, "hierarchical")]
    [InlineData(0xC6, "hierarchical")]
    [InlineData(0xC7, "hierarchical")]
    [InlineData(0xCB, "arithmetic-coded JPEG (lossless, SOF11)")]
    [InlineData(0xF7, "JPEG-LS")]
    public void RefusesOtherFrameTypes(byte code, string expected)
    {
        var sof = JpegBytes.Find(Baseline, 0xC0);
        Assert.Contains(expected, Refusal(JpegBytes.Patch(Baseline, sof.Offset + 1, code)));
    }

    [Fact]
    public void RefusesHierarchicalProgressionMarker()
    {
        var dhp = JpegBytes.MakeSegment(0xDE, 8, 0, 48, 0, 64, 1, 1, 0x11, 0);
        Assert.Contains("hierarchical JPEG (DHP marker)", Refusal(JpegBytes.Insert(Baseline, 2, dhp)));
    }

    [Theory]
    [InlineData(0x31, "sampling factors 3x1")]
    [InlineData(0x14, "sampling factors 1x4")]
    public void RefusesSamplingFactorsAboveTwo(byte sampling, string expected)
    {
        var sof = JpegBytes.Find(Baseline, 0xC0);
        var message = Refusal(JpegBytes.Patch(Baseline, sof.Offset + 11, sampling));
        Assert.Contains(expected, message);
        Assert.Contains("at most 2 per axis", message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void RefusesComponentCountsOtherThanOneThreeOrFour(int count)
    {
        var sof = JpegBytes.Find(Baseline, 0xC0);
        var payload = new List<byte> { 8, 0, 48, 0, 64, (byte)count };
        for (int i = 0; i < count; i++) payload.AddRange([(byte)(i + 1), 0x11, 0]);
        var data = JpegBytes.Insert(JpegBytes.RemoveSegment(Baseline, sof), sof.Offset, JpegBytes.MakeSegment(0xC0, [.. payload]));
        Assert.Contains($"{count}-component images are not supported", Refusal(data));
    }
}
